import pytest

from ragcore.followups import asks_for_more, is_context_dependent, rewrite_query, topic_of


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
        "Is it safe to take during pregnancy?",
        "Is there a test for it?",
        "Which one is cheaper?",
        "How do I ask the school for one?",
        "Does that depend on where I live?",
        "Is there anywhere that's not the case?",
        "Will it go away on its own?",
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


@pytest.mark.parametrize(
    "question",
    [
        "is there a vaccine for shingles?",  # existential "there"
        "are there free clinics for uninsured kids?",
        "is it safe to drive after taking benadryl?",  # impersonal "it", the subject comes after
        "what does it mean when my blood pressure is 150 over 90?",
        "how long does it take to get a copy of my lease?",
        "can I take two tylenol pills in one day?",  # a number, not "one" of something
        "when is the deadline to apply for work study this year?",  # a determiner
        "does asthma that's controlled with an inhaler count as a disability?",  # a relative pronoun
        "can tinnitus go away on its own?",
    ],
)
def test_a_pronoun_that_points_at_nothing_earlier_does_not_make_a_follow_up(question):
    assert not is_context_dependent(question)
    assert rewrite_query(question, ["small claims court"]) == (question, topic_of(question))


def test_follow_up_carries_the_previous_topic_forward():
    assert rewrite_query("How is it treated?", ["asthma"]) == ("How is it treated? (asthma)", "asthma")


def test_standalone_question_is_left_alone_and_becomes_the_new_topic():
    rewritten, topic = rewrite_query("What causes high blood pressure?", ["asthma"])
    assert rewritten == "What causes high blood pressure?" and topic == "high blood pressure"


def test_topic_keeps_the_subject_and_drops_question_words():
    assert topic_of("What are the symptoms of type 2 diabetes?") == "type 2 diabetes"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What is a living will?", "living will"),
        ("Is my mom's will valid if it was handwritten?", "mom's will valid handwritten"),
        ("Will I need a lawyer for probate?", "lawyer probate"),
        ("What will the doctor check?", "doctor check"),
    ],
)
def test_will_is_part_of_the_topic_only_where_it_names_the_document(question, topic):
    assert topic_of(question) == topic


def test_a_follow_up_on_a_living_will_carries_the_whole_name_forward():
    topics = [topic_of("What is a living will?")]
    assert (
        rewrite_query("Do I need a lawyer to write one?", topics)[0] == "Do I need a lawyer to write one? (living will)"
    )


@pytest.mark.parametrize(
    "question", ["tell me more", "What else?", "anything else I should know?", "can you elaborate on that?", "go on"]
)
def test_a_request_for_more_of_the_same_is_recognised(question):
    assert asks_for_more(question, "asthma")


def test_a_request_for_more_may_name_the_topic_but_no_other():
    assert asks_for_more("tell me more about asthma", "asthma")
    assert not asks_for_more("tell me more about eczema", "asthma")


@pytest.mark.parametrize("question", ["what else causes it?", "can I get more insulin?", "where do I go?", "and?"])
def test_a_question_of_its_own_is_not_a_request_for_more(question):
    assert not asks_for_more(question, "asthma")
