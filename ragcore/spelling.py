"""Misspelled words in a question, corrected to the corpus's own words.

An embedding reads "asthama symtoms" as word pieces and BM25 does not find it at all, so such a
question was refused ("asthama symtoms" as insufficient evidence, "evicton notise" as out of
scope) although the sources answer it. A word is corrected only when neither the corpus nor an
English word list knows it and it is no contraction, name or acronym, and only to a corpus word one
edit away (an insertion, deletion, substitution or swap of neighbours; for words of six letters or
more, two edits when the second adds or drops a letter), the most frequent if several. "mole",
"stutter" or "plasma" are English words and stay as they are even where the corpus never uses them,
and a word with no close corpus word ("ozempic") is left alone.

The word list misses informal words ("texting", "meds"), which the corpus may be one edit from
("testing", "beds"); so the pipeline reads a question corrected only when it is refused as typed,
and keeps that reading only when it is answerable (:meth:`ragcore.pipeline.Pipeline.chat`).

The corpus's words and their counts are written into each index version at ingest
(:data:`VOCABULARY_FILE`); the English list is pyspellchecker's, loaded on first use (0.5 s).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

VOCABULARY_FILE = "vocabulary.json"
VOCABULARY_VERSION = "words-v1"  # in the corpus hash: versions written before it get the file on the next ingest
MIN_LENGTH = 4  # shorter words have too many neighbours ("im", "r", "ur" are left alone)
TWO_EDITS_FROM = 6  # words this long may be two edits from their spelling
MAX_LOOKUPS = 10  # unknown words looked up per text (each a few milliseconds): a question, not an essay
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def count_words(texts: Iterable[str]) -> dict[str, int]:
    """Lower-cased words and their counts over ``texts`` (what ingest stores in the version)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w.lower() for w in _WORD.findall(text))
    return dict(counts)


def write_vocabulary(path: Path, counts: dict[str, int]) -> None:
    path.write_text(json.dumps(counts, sort_keys=True, separators=(",", ":")), encoding="utf-8")


def read_vocabulary(path: Path) -> dict[str, int]:
    """The version's word counts; empty for versions written before they were stored (no correction)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


class SpellingCorrector:
    """Corrects the words of a question that neither ``vocabulary`` (corpus word -> count) nor
    ``english`` knows."""

    def __init__(self, vocabulary: dict[str, int], english: frozenset[str] | None = None) -> None:
        self.vocabulary = vocabulary
        self._english = english
        self._by_deletion: dict[str, list[str]] | None = None

    @property
    def english(self) -> frozenset[str]:
        if self._english is None:
            self._english = english_words()
        return self._english

    def correct(self, text: str) -> str:
        if not self.vocabulary:
            return text
        start = len(text) - len(text.lstrip())
        looked_up = 0

        def corrected(match: re.Match[str]) -> str:
            nonlocal looked_up
            word = match.group()
            if not self._unknown(word, first=match.start() == start) or looked_up >= MAX_LOOKUPS:
                return word
            looked_up += 1
            return self._closest(word)

        return _WORD.sub(corrected, text)

    def recognises(self, word: str) -> bool:
        """A corpus or English word, or a misspelling of a corpus word (``ragcore.languages`` asks)."""
        lower = word.lower()
        if lower in self.vocabulary or lower in self.english:
            return True
        return len(lower) >= MIN_LENGTH and bool(self._candidates(lower))

    def _unknown(self, word: str, *, first: bool) -> bool:
        """Neither the corpus nor the word list knows it, and it is not a contraction ("doesn't"),
        a name or an acronym ("Ambetter", "FMLA")."""
        lower = word.lower()
        if len(lower) < MIN_LENGTH or lower in self.vocabulary or lower in self.english:
            return False
        return "'" not in word and "’" not in word and not _is_a_name(word, first=first)

    def _closest(self, word: str) -> str:
        lower = word.lower()
        candidates = self._candidates(lower)
        if not candidates:
            return word
        best = max(sorted(candidates), key=self.vocabulary.__getitem__)
        return best.capitalize() if word[0].isupper() else best

    def _candidates(self, word: str) -> set[str]:
        """Corpus words one edit from ``word``; for a longer word without any, those two edits away
        where the second is an insertion or deletion ("discrimation" -> "discrimination"). All
        strings two edits away are ~300,000 for a ten-letter word; this is a few thousand lookups."""
        vocabulary = self.vocabulary.keys()
        one_edit = _edits(word)
        found = one_edit & vocabulary
        if found or len(word) < TWO_EDITS_FROM:
            return found
        less_one_letter = self._less_one_letter()
        for near in one_edit:
            found.update(less_one_letter.get(near, ()))
            found.update(_deletes(near) & vocabulary)
        return found

    def _less_one_letter(self) -> dict[str, list[str]]:
        """Each corpus word with one letter deleted -> the words (built on first use: the
        30,000 words of the shared corpus take ~0.45 s)."""
        if self._by_deletion is None:
            index: dict[str, list[str]] = {}
            for known in self.vocabulary:
                if len(known) >= TWO_EDITS_FROM:
                    for shorter in _deletes(known):
                        index.setdefault(shorter, []).append(known)
            self._by_deletion = index
        return self._by_deletion


def _is_a_name(word: str, *, first: bool) -> bool:
    """Capitals anywhere but at the start of the question: a name or an acronym."""
    return any(c.isupper() for c in (word[1:] if first else word))


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _edits(word: str) -> set[str]:
    """Every string one deletion, swap of neighbours, substitution or insertion from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return set(deletes + swaps + replaces + inserts)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """pyspellchecker's English word list (about 160,000 words; 0.3 s to load)."""
    from spellchecker import SpellChecker

    return frozenset(SpellChecker(language="en").word_frequency.keys())
