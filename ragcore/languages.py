"""The language a message is written in, when it is not English.

Docent's embedding model, word index and sources are English: "¿Qué es el asma?" was refused as out
of scope with a message saying Docent covers healthcare — which asthma is — and "Was sind die
Symptome von Diabetes?" as "my sources don't answer that". Such a message now gets a reply saying
Docent reads English (in the message's language where ``domains.yaml`` has one).

A message in another script is told by its letters. A message in Latin letters is told by its
common words: each language's 1,000 most frequent words (pyspellchecker's frequency lists, stored in
:data:`COMMON_WORDS_FILE` so no list of 100,000 words loads while a person waits). It is in language L
when at least half its words are common in L, two or more are common in L but not in English, and
those outnumber the words that are English (common, or the corpus's own) but not common in L: "Was
sind die Symptome von Diabetes?" is German ("was" and "die" are English words too), "Is Cornelia de
Lange syndrome inherited?" is not. A language without a list (Polish, Tagalog, Vietnamese) is
noticed when none of the words is a common English one and at most a third are English or corpus
words, or misspellings of these.

Measured on the project's and the shared evaluation sets (`README.md`): no English question of
them is taken for another language.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

COMMON_WORDS_FILE = Path(__file__).with_name("common_words.json")
LISTED_LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "nl")  # pyspellchecker's Latin-script lists
COMMON_WORDS = 1000
MIN_COMMON = 2  # words common in the other language, so one "de" or "la" in a name decides nothing
MIN_WORDS_UNLISTED = 3
MAX_KNOWN_UNLISTED = 1 / 3
UNDETERMINED = "und"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# first word of a letter's Unicode name -> the language most written in that script
_SCRIPTS = {
    "CYRILLIC": "ru",
    "ARABIC": "ar",
    "HEBREW": "he",
    "GREEK": "el",
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "CJK": "zh",
    "THAI": "th",
}


def language_of(text: str, *, corpus_word: Callable[[str], bool], known: Callable[[str], bool]) -> str | None:
    """The language code of ``text`` when it is not English ("und" when it is not English but no
    list says which language), or None for English and for texts too short to tell.

    ``corpus_word`` tells the corpus's own words, which count as English beside the common ones
    ("Is Cornelia de Lange syndrome inherited?" has two common Dutch words, but "syndrome" and
    "inherited" too); ``known`` also accepts English words and misspellings (the spelling corrector's
    test, which may load its word list)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    # an ASCII letter is Latin: only the others are looked up (this runs on every message)
    scripts = [unicodedata.name(c, "UNKNOWN").split()[0] for c in letters if not c.isascii()]
    if sum(s != "LATIN" for s in scripts) * 2 > len(letters):
        found = sorted({_SCRIPTS[s] for s in scripts if s in _SCRIPTS})
        return "ja" if "ja" in found else next(iter(found), UNDETERMINED)  # kanji are CJK too
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    lists = common_words()
    english = lists["en"]
    english_like = [w for w in words if w in english or corpus_word(w)]  # asked once per word, not per language
    best, best_score = None, (0, 0)
    for language, common in lists.items():
        if language == "en":
            continue
        only_here = sum(w in common and w not in english for w in words)
        only_english = sum(w not in common for w in english_like)
        in_common = sum(w in common for w in words)
        if only_here >= MIN_COMMON and only_here > only_english and in_common * 2 >= len(words):
            if (only_here, in_common) > best_score:
                best, best_score = language, (only_here, in_common)
    if best is not None:
        return best
    if any(w in english for w in words) or len(words) < MIN_WORDS_UNLISTED:
        return None
    return UNDETERMINED if sum(map(known, words)) <= MAX_KNOWN_UNLISTED * len(words) else None


@lru_cache(maxsize=1)
def common_words() -> dict[str, frozenset[str]]:
    raw = json.loads(COMMON_WORDS_FILE.read_text(encoding="utf-8"))
    return {language: frozenset(words) for language, words in raw.items()}


def most_common_words(language: str, count: int = COMMON_WORDS) -> list[str]:
    """The ``count`` most frequent words of pyspellchecker's list for ``language`` (ties by spelling)."""
    from spellchecker import SpellChecker

    frequency = SpellChecker(language=language).word_frequency.dictionary
    return sorted(frequency, key=lambda word: (-frequency[word], word))[:count]


def write_common_words(path: Path = COMMON_WORDS_FILE) -> None:
    """Regenerate :data:`COMMON_WORDS_FILE` (``python -m ragcore.languages``)."""
    lists = {language: most_common_words(language) for language in LISTED_LANGUAGES}
    path.write_text(json.dumps(lists, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_common_words()
