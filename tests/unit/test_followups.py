import pytest

from ragcore.followups import is_context_dependent, rewrite_query, topic_of


@pytest.mark.parametrize(
    "question",
    [
        "How is it treated?",
        "What are its symptoms?",
        "Can it be prevented?",
        "And for children?",
        "What about the side effects?",
        "Does it apply to private schools too?",
        "so who do i ask then?",
    ],
)
def test_context_dependent_questions(question):
    assert is_context_dependent(question)


@pytest.mark.parametrize(
    "question",
    [
        "What are the symptoms of type 2 diabetes?",
        "How do I file a complaint about my landlord?",
        "what's a good pizza dough recipe for a thin crust?",
    ],
)
def test_standalone_questions(question):
    assert not is_context_dependent(question)


def test_follow_up_carries_the_previous_topic_forward():
    assert rewrite_query("How is it treated?", ["asthma"]) == ("How is it treated? (asthma)", "asthma")


def test_standalone_question_is_left_alone_and_becomes_the_new_topic():
    rewritten, topic = rewrite_query("What causes high blood pressure?", ["asthma"])
    assert rewritten == "What causes high blood pressure?" and topic == "high blood pressure"


def test_topic_keeps_the_subject_and_drops_question_words():
    assert topic_of("What are the symptoms of type 2 diabetes?") == "type 2 diabetes"
