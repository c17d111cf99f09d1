import json

import pytest

from ragcore.languages import COMMON_WORDS_FILE, LISTED_LANGUAGES, UNDETERMINED, language_of, most_common_words

CORPUS_WORDS = {"syndrome", "inherited", "landlord", "evict", "diabetes", "dose", "ibuprofen", "child", "parent"}


def read(text: str, known=lambda word: word in CORPUS_WORDS) -> str | None:
    return language_of(text, corpus_word=CORPUS_WORDS.__contains__, known=known)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("¿Qué es el asma?", "es"),
        ("Was sind die Symptome von Diabetes?", "de"),  # "was" and "die" are English words too
        ("Mon propriétaire peut-il garder ma caution ?", "fr"),
        ("Il mio padrone di casa può sfrattarmi senza preavviso?", "it"),
        ("Wat zijn de symptomen van astma?", "nl"),
        ("Каковы симптомы диабета?", "ru"),
        ("糖尿病の症状は何ですか？", "ja"),  # kanji with kana: Japanese, not Chinese
        ("哮喘的症状是什么？", "zh"),
        ("천식의 증상은 무엇인가요?", "ko"),
        ("Jakie są objawy cukrzycy?", UNDETERMINED),  # no list, but hardly an English word
    ],
)
def test_a_message_in_another_language_is_recognised(text, language):
    assert read(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "What is asthma?",
        "Is Cornelia de Lange syndrome inherited?",  # two common Dutch words, two corpus words
        "what does pro bono mean?",
        "what is a de facto parent?",
        "my abuela has diabetes, what should she eat?",
        "asthama symtoms",  # misspelled English: no common word, but known once corrected
        "ok",  # too short to tell
        "",
        "12345 ???",
    ],
)
def test_english_and_messages_too_short_to_tell_are_not_taken_for_another_language(text):
    assert read(text, known=lambda word: word in CORPUS_WORDS | {"asthama", "symtoms"}) is None


def test_an_unlisted_language_needs_most_words_unknown_to_english():
    assert read("Apa saja gejala penyakit diabetes?") == UNDETERMINED
    assert read("Apa saja gejala penyakit diabetes?", known=lambda word: True) is None


def test_the_stored_common_words_are_pyspellcheckers_most_frequent():
    stored = json.loads(COMMON_WORDS_FILE.read_text(encoding="utf-8"))
    assert list(stored) == list(LISTED_LANGUAGES)
    for language in ("en", "es"):  # regenerating all seven takes two seconds
        assert stored[language] == most_common_words(language)
