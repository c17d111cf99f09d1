import pytest

from ragcore.spelling import MAX_LOOKUPS, SpellingCorrector, count_words, read_vocabulary, write_vocabulary

CORPUS = [
    "Asthma symptoms include wheezing. Asthma is treated with inhalers.",
    "An eviction notice must be in writing. Age discrimination at work is illegal.",
    "Statins lower cholesterol. Testing helps. Hospital beds.",
]


@pytest.fixture(scope="module")
def corrector() -> SpellingCorrector:
    return SpellingCorrector(count_words(CORPUS))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("asthama symtoms", "asthma symptoms"),  # an insertion, a deletion
        ("Evicton notise", "Eviction notice"),  # a capital at the start is kept
        ("age discrimation", "age discrimination"),  # two letters dropped from a long word
        ("cholestrol", "cholesterol"),
        ("wheezign", "wheezing"),  # neighbours swapped
    ],
)
def test_words_no_list_knows_are_corrected_to_the_nearest_corpus_word(corrector, typed, meant):
    assert corrector.correct(typed) == meant


@pytest.mark.parametrize(
    "text",
    [
        "is my mole cancerous",  # English words the corpus never uses
        "is it normal for my toddler to stutter",
        "my ozempic dose",  # no corpus word is close
        "the Ambetter silver plan",  # a name
        "what does FMLA cover",  # an acronym
        "it doesn't work",  # a contraction
        "im ok",  # too short to guess
    ],
)
def test_known_words_names_and_far_words_are_left_alone(corrector, text):
    assert corrector.correct(text) == text


def test_without_a_stored_vocabulary_nothing_is_corrected():
    assert SpellingCorrector({}).correct("asthama symtoms") == "asthama symtoms"


def test_only_the_first_unknown_words_of_a_long_text_are_looked_up(corrector):
    text = " ".join(["asthama"] * (MAX_LOOKUPS + 3))
    assert corrector.correct(text).split() == ["asthma"] * MAX_LOOKUPS + ["asthama"] * 3


def test_vocabulary_round_trips_and_an_older_version_has_none(tmp_path):
    counts = count_words(CORPUS)
    write_vocabulary(tmp_path / "vocabulary.json", counts)
    assert read_vocabulary(tmp_path / "vocabulary.json") == counts
    assert counts["asthma"] == 2
    assert read_vocabulary(tmp_path / "missing.json") == {}
