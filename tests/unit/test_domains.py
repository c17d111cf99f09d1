import json

from ragcore.domains import EmergencyRule, load_domains
from tests.conftest import CORPUS


def test_bundled_domains_describe_three_domains_with_disclaimers_and_examples():
    domains = load_domains(CORPUS / "domains.yaml")
    assert set(domains.domains) == {"healthcare", "law", "education"}
    for domain in domains.domains.values():
        assert domain.disclaimer and len(domain.examples) >= 10 and domain.emergency
    assert len(domains.out_of_scope_examples) >= 20


def test_emergency_phrases_yield_the_notice_and_ordinary_questions_do_not():
    domains = load_domains(CORPUS / "domains.yaml")
    assert "988" in domains.emergency_notice("I want to kill myself")
    assert "911" in domains.emergency_notice("my friend overdosed and won't wake up")
    assert domains.emergency_notice("What are the warning signs of a stroke?") is None
    assert domains.emergency_notice("How do I apply for a Pell Grant?") is None


def test_a_star_in_an_emergency_phrase_stands_for_up_to_three_words():
    rule = EmergencyRule(("took * bottle",), "Call Poison Help.")
    assert rule.matches("I took a whole bottle of tylenol")
    assert rule.matches("she took the bottle")
    assert rule.matches("he took bottle after bottle")  # no word between is fine too
    assert not rule.matches("I took my pills and then a walk, then opened a bottle")  # more than three words
    assert not rule.matches("the bottle took a while to open")  # order matters


def test_an_emergency_phrase_matches_without_its_apostrophes():
    rule = EmergencyRule(("can't breathe", "don't want to live"), "Call 911.")
    assert rule.matches("i cant breathe")
    assert rule.matches("I dont want to live anymore")
    assert rule.matches("I can’t breathe")  # a typographic apostrophe is an apostrophe
    assert not rule.matches("I can breathe")


def test_no_evaluation_question_is_a_training_example():
    """Every list in domains.yaml fits a model at ingest; an evaluation set that shared a question
    with one would score the model on what it was fitted to."""
    domains = load_domains(CORPUS / "domains.yaml")
    examples = set(domains.out_of_scope_examples + domains.unsafe_examples + domains.safe_examples)
    for domain in domains.domains.values():
        examples.update(domain.examples + domain.unanswerable_examples + domain.scope_examples)
        examples.update(domain.non_urgent_examples)
        examples.update(q for rule in domain.emergency for q in rule.examples)
    normalised = {" ".join(q.lower().split()) for q in examples}
    assert len(normalised) > 1900
    for path in sorted((CORPUS.parent / "evals" / "datasets").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            question = json.loads(line).get("question") if line.strip() else None
            if question:
                assert " ".join(question.lower().split()) not in normalised, (path.name, question)
