"""Messages to Docent itself rather than questions for its sources: "hi", "thanks", "bye", "who are you?".

Before, "thanks" after an answer on asthma was read as a follow-up ("thanks (asthma)") and answered
with asthma quotes again; "hi" was refused with "Docent only answers questions about healthcare, law
and education", and "who are you?" after it was searched as "who are you? (hi)"; "are you a real
doctor?" was answered from a page on informed consent. Each now gets its kind's reply from
``domains.yaml`` (``small_talk``), as an ``out_of_scope`` refusal without citations, and leaves no
topic behind for the next question.

"where did you get that?" and "can you give me a link?" (kind ``sources``) are answered with the
titles and addresses of the documents the last answer quoted, which the conversation remembers —
before, they were read as follow-ups and answered with more quotes on the topic, or refused.

A message is small talk only when it is made of nothing but the listed phrases (and filler words
such as "docent", "oh", "so"): "hi, who are you?" is; "hi, what is asthma?" and "thanks, and how is
it treated?" are questions and go to the sources as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower().replace("’", "'")))


@dataclass(frozen=True)
class SmallTalkKind:
    name: str
    phrases: tuple[tuple[str, ...], ...]  # each phrase as its words
    reply: str  # for ``sources``: names the last answer's documents in ``{sources}``
    reply_without_sources: str = ""  # ``sources`` when the last reply quoted nothing


@dataclass(frozen=True)
class SmallTalk:
    """The kinds in order of precedence: "hi, who are you?" gets the reply about Docent, not the greeting."""

    kinds: tuple[SmallTalkKind, ...] = ()
    fillers: frozenset[str] = frozenset()

    def kind_of(self, message: str) -> SmallTalkKind | None:
        """The kind whose reply ``message`` gets, or None when it is not made of small-talk phrases."""
        words = _words(message)
        matched: set[str] = set()
        at = 0
        while at < len(words):
            if words[at] in self.fillers:
                at += 1
                continue
            found = self._longest_phrase_at(words, at)
            if found is None:
                return None
            kind, length = found
            matched.add(kind)
            at += length
        return next((k for k in self.kinds if k.name in matched), None)

    def _longest_phrase_at(self, words: tuple[str, ...], at: int) -> tuple[str, int] | None:
        best: tuple[str, int] | None = None
        for kind in self.kinds:
            for phrase in kind.phrases:
                if words[at : at + len(phrase)] == phrase and (best is None or len(phrase) > best[1]):
                    best = (kind.name, len(phrase))
        return best


def small_talk_from(raw: dict | None, coverage: str) -> SmallTalk:
    """``domains.yaml``'s ``small_talk`` section; ``{coverage}`` in a reply names the domains."""
    if not raw:
        return SmallTalk()
    kinds = tuple(
        SmallTalkKind(
            str(name),
            tuple(_words(str(p)) for p in body["phrases"]),
            str(body["reply"]).strip().replace("{coverage}", coverage),
            str(body.get("reply_without_sources", "")).strip().replace("{coverage}", coverage),
        )
        for name, body in raw["kinds"].items()
    )
    return SmallTalk(kinds, frozenset(str(w).lower() for w in raw.get("fillers", [])))
