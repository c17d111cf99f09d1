"""Standalone queries for follow-up questions, without a language model.

A question depends on the conversation when it leans on a pronoun ("How is it treated?"), is
elliptical ("And for children?") or names no topic of its own. Its standalone form carries the
topic of the latest earlier user turn forward: ``"How is it treated? (asthma)"``.

Some pronouns point at nothing earlier: "is there a hotline", "is it ok to drink grapefruit juice
with my statin", "what does it mean when bacteria become resistant", "too much in one day", "this
year". Read as follow-ups, such questions got the previous turn's topic attached after a change
of subject (19 of the project's 205 single-turn questions asked after an unrelated one).
"""

from __future__ import annotations

import re

# fmt: off
_PRONOUNS = {
    'he', 'her', 'hers', 'him', 'his', 'it', "it's", 'its', 'one', 'ones', 'same', 'she', 'that', 'their',
    'theirs', 'them', 'there', 'these', 'they', 'this', 'those', "that's",
}
_FUNCTION_WORDS = {
    'a', 'about', 'actually', 'after', 'again', 'all', 'allowed', 'already', 'also', 'am', 'an', 'and', 'any',
    'anybody', 'anyone', 'anything', 'anywhere', 'are', "aren't", 'as', 'at', 'away', 'be', 'been', 'before',
    'being', 'bring', 'but', 'by', 'can', "can't", 'case', 'cases', 'could', 'count', 'counted', 'counts', 'did',
    'do', 'does', "doesn't", 'doing', "don't", 'done', 'during', 'each', 'else', 'even', 'ever', 'every',
    'explain', 'for', 'from', 'get', 'go', 'going', 'got', 'had', 'happen', 'happens', 'has', 'have', 'having',
    'here', 'how', 'i', "i'm", 'if', 'im', 'in', 'instead', 'into', 'is', "isn't", 'just', 'kind', 'kinds', 'know',
    'let', 'lets', 'like', 'long', 'make', 'many', 'matter', 'matters', 'may', 'maybe', 'me', 'mean', 'means',
    'might', 'mine', 'more', 'most', 'much', 'must', 'my', 'need', 'needed', 'no', 'normally', 'not', 'now', 'of',
    'often', 'ok', 'okay', 'on', 'only', 'or', 'other', 'our', 'out', 'over', 'part', 'people', 'person', 'please',
    'really', 'required', 'shall', 'should', 'so', 'some', 'somebody', 'someone', 'somewhere', 'still', 'supposed',
    'take', 'tell', 'than', 'thank', 'thanks', 'the', 'then', 'thing', 'things', 'though', 'time', 'times', 'to',
    'too', 'up', 'us', 'usually', 'versus', 'very', 'vs', 'want', 'was', 'way', 'ways', 'we', 'well', 'went',
    'were', 'what', "what's", 'whats', 'when', 'where', 'which', 'who', 'whom', 'whose', 'why', 'will', 'with',
    "won't", 'work', 'works', 'would', 'yes', 'yet', 'you', 'your', 'yours',
} | _PRONOUNS
_GENERIC_ASPECTS = {
    'adults', 'appeal', 'applies', 'apply', 'available', 'cause', 'caused', 'causes', 'children', 'common',
    'complain', 'complaint', 'complications', 'contagious', 'cost', 'costs', 'cover', 'covered', 'cure', 'cured',
    'dangerous', 'deadline', 'deadlines', 'details', 'diagnose', 'diagnosed', 'diagnosis', 'effect', 'effects',
    'eligible', 'file', 'filing', 'genetic', 'groups', 'help', 'information', 'inheritance', 'inherited', 'kids',
    'last', 'lasts', 'option', 'options', 'outlook', 'pay', 'prevent', 'prevented', 'prevention', 'prognosis',
    'qualify', 'research', 'right', 'rights', 'risk', 'risks', 'rule', 'rules', 'serious', 'side', 'sign', 'signs',
    'stages', 'start', 'step', 'steps', 'support', 'symptom', 'symptoms', 'test', 'tested', 'tests', 'treat',
    'treated', 'treating', 'treatment', 'treatments',
}
_NOT_TOPICAL = _FUNCTION_WORDS | _GENERIC_ASPECTS  # built once: topical_words runs several times per turn
_BE = {'is', 'are', 'was', 'were', "isn't", "aren't", "wasn't", "weren't", 'be'}
# "one" after these stands for a thing named earlier ("which one", "ask the school for one")
_ONE_AS_PRONOUN_AFTER = {
    'which', 'that', 'this', 'the', 'another', 'other', 'same', 'for', 'get', 'got', 'need', 'want', 'have',
    'pick', 'choose', 'new', 'old', 'right', 'best', 'better',
}
# "it" as the dummy subject of these: "what does it mean when", "how much does it cost to"
_IMPERSONAL_VERBS = {'mean', 'cost', 'take', 'look', 'feel'}
_IMPERSONAL_NEXT = {'when', 'if', 'to', 'like'}
# "will" after these is the document, not the verb ("without a will", "a living will", "at will")
_BEFORE_THE_NOUN_WILL = {
    'a', 'the', 'my', 'your', 'his', 'her', 'our', 'their', 'own', 'living', 'last', 'new', 'old', 'valid',
    'handwritten', 'holographic', 'written', 'simple', 'at',
}
# "tell me more", "what else?", "can you elaborate on that?", "go on": a request for more of the same
_MORE = {'more', 'else', 'elaborate', 'continue', 'further', 'expand', 'additional', 'go', 'going'}
_MORE_REQUEST_WORDS = _PRONOUNS | _MORE | {
    'a', 'about', 'and', 'any', 'anything', 'bit', 'can', 'could', 'detail', 'details', 'do', 'explain', 'give',
    'i', 'info', 'information', 'is', 'keep', 'know', 'let', 'little', 'me', 'need', 'ok', 'okay', 'on', 'please',
    'say', 'should', 'so', 'some', 'something', 'tell', 'there', 'to', 'us', 'what', "what's", 'whats', 'would',
    'you',
}
# fmt: on
_CONTINUATIONS = ("and ", "so ", "but ", "also ", "then ", "what about", "how about", "or ", "plus ")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")


def content_words(text: str) -> list[str]:
    return _words_outside(text, _FUNCTION_WORDS)


def topical_words(question: str) -> list[str]:
    return [w.lower() for w in _words_outside(question, _NOT_TOPICAL)]


def _words_outside(text: str, excluded: set[str]) -> list[str]:
    """The words of ``text`` not in ``excluded`` — except "will" where it is the document ("a
    living will", "my mom's will"), not the verb: "What is a living will?" is about wills."""
    words = _WORD.findall(text)
    return [
        w
        for i, w in enumerate(words)
        if w.lower() not in excluded or (w.lower() == "will" and i and _names_a_will(words[i - 1].lower()))
    ]


def _names_a_will(before: str) -> bool:
    return before in _BEFORE_THE_NOUN_WILL or before.endswith(("'s", "’s", "s'"))


def is_context_dependent(question: str) -> bool:
    """True when ``question`` cannot be understood without the earlier turns."""
    words = [w.lower() for w in _WORD.findall(question)]
    if not words:
        return False
    topical = topical_words(question)
    if question.strip().lower().startswith(_CONTINUATIONS):
        return True
    if any(w in _PRONOUNS and _refers(words, i, len(topical)) for i, w in enumerate(words)):
        return len(topical) <= 4
    return not topical


def _refers(words: list[str], i: int, topical: int) -> bool:
    """Whether the pronoun ``words[i]`` stands for something said before, rather than being
    existential ("is there"), impersonal ("is it ok to ...") or a number or determiner ("in one
    day", "this year")."""
    word = words[i]
    before = words[i - 1] if i else ""
    after = words[i + 1 : i + 3]
    if word == "there":
        return before not in _BE and not (after and after[0] in _BE)
    if word in ("one", "ones"):
        return before in _ONE_AS_PRONOUN_AFTER or not after
    if word in ("that", "that's") and before and before not in _FUNCTION_WORDS:
        return False  # a relative pronoun: "diabetes that's controlled with meds"
    if word in ("its", "their") and after[:1] == ["own"]:
        return False  # "can tinnitus go away on its own?"
    if word in ("this", "these"):
        return not after or after[0] in _FUNCTION_WORDS
    if word == "it":
        if len(after) == 2 and after[0] in _IMPERSONAL_VERBS and after[1] in _IMPERSONAL_NEXT:
            return False
        # "is it too late to get a flu shot": the subject comes after; a bare "is it safe to
        # take?" still asks about the earlier thing (few topical words of its own)
        return not (before in _BE and "to" in words[i + 1 :] and topical >= 3)
    return True


def asks_for_more(question: str, topic: str = "") -> bool:
    """Whether ``question`` only asks to hear more of what was being said about ``topic`` ("tell me
    more", "what else?", "tell me more about asthma" after asthma): its answer should not repeat
    sentences already quoted."""
    words = {w.lower() for w in _WORD.findall(question)}
    if words & {"go", "going"} and not words & {"on", "keep"}:
        return False  # "go" alone is not "go on"
    on_topic = {w.lower() for w in _WORD.findall(topic)}
    return bool(words & _MORE) and words <= _MORE_REQUEST_WORDS | on_topic


def topic_of(question: str) -> str:
    """The topical words of a standalone question: ``"What is (are) asthma?" -> "asthma"``."""
    words = [w for w in content_words(question) if w.lower() not in _GENERIC_ASPECTS]
    return " ".join(words)


def rewrite_query(question: str, previous_topics: list[str]) -> tuple[str, str]:
    """``(standalone query, topic)`` for ``question`` given earlier turns' topics (newest last)."""
    question = question.strip()
    if is_context_dependent(question):
        carried = with_previous_topic(question, previous_topics)
        if carried:
            return carried
    return question, topic_of(question)


def with_previous_topic(question: str, previous_topics: list[str]) -> tuple[str, str] | None:
    """``(question with the latest earlier topic, that topic)``, or None when there is none.

    Used for questions that look context-dependent, and by the pipeline as a second reading of a
    short question that alone finds no answer ("Which jobs count?" after a question on loan
    forgiveness names a topic word, but not the topic).
    """
    topic = next((t for t in reversed(previous_topics) if t), "")
    return (f"{question.strip()} ({topic})", topic) if topic else None
