import pytest

from ragcore.domains import load_domains
from ragcore.small_talk import small_talk_from
from tests.conftest import CORPUS

SMALL_TALK = small_talk_from(
    {
        "fillers": ["docent", "oh", "no"],
        "kinds": {
            "about": {"phrases": ["who are you", "are you a real doctor"], "reply": "I'm Docent; I cover {coverage}."},
            "thanks": {"phrases": ["thanks", "thank you", "ok"], "reply": "You're welcome."},
            "greeting": {"phrases": ["hi", "hello", "good morning"], "reply": "Hello."},
        },
    },
    "healthcare and law",
)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("hi", "greeting"),
        ("Good morning, Docent!", "greeting"),
        ("oh ok, thank you!", "thanks"),
        ("no thanks", "thanks"),
        ("hi, who are you?", "about"),  # the first kind listed wins
        ("Are you a real doctor?", "about"),
        ("thanks hello thanks", "thanks"),
    ],
)
def test_a_message_made_of_small_talk_phrases_gets_its_kinds_reply(message, kind):
    found = SMALL_TALK.kind_of(message)
    assert found is not None and found.name == kind


@pytest.mark.parametrize(
    "message",
    [
        "hi, what is asthma?",
        "thanks, and how is it treated?",
        "who are you allowed to tell about my diagnosis?",  # starts like a phrase, goes on
        "no",  # fillers alone
        "",
    ],
)
def test_a_question_is_not_small_talk(message):
    assert SMALL_TALK.kind_of(message) is None


def test_replies_name_what_docent_covers():
    assert SMALL_TALK.kinds[0].reply == "I'm Docent; I cover healthcare and law."


def test_the_bundled_domains_reply_to_small_talk_and_other_languages():
    domains = load_domains(CORPUS / "domains.yaml")
    assert {k.name for k in domains.small_talk.kinds} == {"about", "sources", "goodbye", "thanks", "greeting"}
    sources = domains.small_talk.kind_of("thanks! where did you get that?")
    assert sources is not None and sources.name == "sources" and "{sources}" in sources.reply
    assert "healthcare, law and education" in sources.reply_without_sources
    about = domains.small_talk.kind_of("are you a real doctor?")
    assert about is not None and "not a doctor" in about.reply and "healthcare, law and education" in about.reply
    assert "no" in domains.small_talk.fillers  # quoted in the YAML: unquoted, no is a boolean
    spanish = domains.other_language_reply("es")
    assert spanish is not None and spanish.startswith("Docent solo responde") and "in English" in spanish
    assert domains.other_language_reply("ru") == domains.other_language_replies["en"]
