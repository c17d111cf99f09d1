"""Standalone queries for follow-up questions, without a language model.

A question depends on the conversation when it leans on a pronoun ("How is it treated?"), is
elliptical ("And for children?") or names no topic of its own. Its standalone form carries the
topic of the latest earlier user turn forward: ``"How is it treated? (asthma)"``.
"""

from __future__ import annotations

import re

_PRONOUNS = {
    "it", "its", "it's", "they", "them", "their", "theirs", "this", "that", "these", "those",
    "he", "she", "him", "her", "his", "hers", "one", "ones", "there", "same",
}
_FUNCTION_WORDS = {
    "what", "whats", "what's", "how", "why", "when", "where", "who", "whom", "which", "whose",
    "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "doing",
    "can", "could", "should", "would", "will", "shall", "may", "might", "must", "have", "has",
    "had", "having", "a", "an", "the", "of", "to", "in", "on", "for", "with", "about", "and", "or",
    "but", "if", "so", "than", "then", "too", "also", "else", "any", "anything", "some", "more",
    "much", "many", "i", "me", "my", "mine", "we", "us", "our", "you", "your", "yours", "get",
    "got", "there", "here", "tell", "please", "explain", "know", "need", "want", "okay", "ok",
    "thanks", "thank", "really", "just", "still", "again", "other", "way", "ways",
    "long", "often", "usually", "normally", "very", "not", "no", "yes", "at", "by", "from", "as",
    "into", "after", "before", "during", "up", "out", "all", "most", "every", "each", "kind",
    "kinds", "thing", "things", "happen", "happens", "mean", "means", "work",
    "works", "take", "go", "make", "like", "vs", "versus", "someone", "somebody", "anyone",
    "anybody", "people", "person", "already", "went", "going", "away", "actually", "over",
    "instead", "maybe", "ever", "even", "only", "though", "yet", "well", "now", "let",
    "lets", "doesn't", "don't", "isn't", "aren't", "can't", "won't", "i'm", "im",
    "cases", "case", "part", "time", "times", "anywhere", "somewhere", "bring", "count", "counts",
    "counted", "matter", "matters", "needed", "allowed", "required", "supposed",
} | _PRONOUNS
_GENERIC_ASPECTS = {
    "symptom", "symptoms", "sign", "signs", "cause", "causes", "caused", "treat", "treated",
    "treatment", "treatments", "treating", "cure", "cured", "diagnose", "diagnosed", "diagnosis",
    "test", "tests", "tested", "prevent", "prevented", "prevention", "outlook", "prognosis",
    "inherited", "inheritance", "genetic", "risk", "risks", "side", "effects", "effect", "cost",
    "costs", "deadline", "deadlines", "apply", "applies", "eligible", "qualify", "file", "filing",
    "complain", "complaint", "rights", "right", "rules", "rule", "children", "kids", "adults",
    "common", "serious", "dangerous", "contagious", "covered", "cover", "pay", "help", "start",
    "last", "lasts", "appeal", "options", "option", "steps", "step", "stages", "research",
    "complications", "support", "groups", "available", "information", "details",
}
_CONTINUATIONS = ("and ", "so ", "but ", "also ", "then ", "what about", "how about", "or ", "plus ")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() not in _FUNCTION_WORDS]


def is_context_dependent(question: str) -> bool:
    """True when ``question`` cannot be understood without the earlier turns."""
    words = [w.lower() for w in _WORD.findall(question)]
    if not words:
        return False
    topical = [w for w in words if w not in _FUNCTION_WORDS and w not in _GENERIC_ASPECTS]
    if question.strip().lower().startswith(_CONTINUATIONS):
        return True
    if any(w in _PRONOUNS for w in words):
        return len(topical) <= 4
    return not topical


def topic_of(question: str) -> str:
    """The topical words of a standalone question: ``"What is (are) asthma?" -> "asthma"``."""
    words = [w for w in content_words(question) if w.lower() not in _GENERIC_ASPECTS]
    return " ".join(words)


def rewrite_query(question: str, previous_topics: list[str]) -> tuple[str, str]:
    """``(standalone query, topic)`` for ``question`` given earlier turns' topics (newest last)."""
    question = question.strip()
    if previous_topics and is_context_dependent(question):
        topic = next((t for t in reversed(previous_topics) if t), "")
        if topic:
            return f"{question} ({topic})", topic
    return question, topic_of(question)
