"""The emergency model and how a message's notice is chosen (synthetic vectors; the real model's
behaviour on messages is in tests/service/test_chat.py)."""

from pathlib import Path

import numpy as np

from ragcore.domains import load_domains
from ragcore.emergency import NOT_URGENT, EmergencyModel, fit_emergency_model, urgency
from tests.conftest import recording_vectors

DOMAINS = """
domains:
  healthcare:
    description: Health.
    examples: ["What is asthma?"]
    emergency:
      - phrases: [chest pain]
        notice: Call 911.
      - phrases: [overdosed]
        notice: Call Poison Help.
      - phrases: [kill myself]
        notice: Call 988.
        crisis: true
"""


def _cloud(rng, centre, n, spread=0.35):
    points = centre + spread * rng.normal(size=(n, centre.size)) / np.sqrt(centre.size)
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def _fitted(rng):
    dim = 32
    heart, poison = rng.normal(size=dim), rng.normal(size=dim)
    calm = rng.normal(size=(400, dim))
    vectors = np.vstack([_cloud(rng, heart, 30), _cloud(rng, poison, 30), calm / np.linalg.norm(calm, axis=1)[:, None]])
    labels = ["healthcare:0"] * 30 + ["healthcare:1"] * 30 + [NOT_URGENT] * 400
    model, figures = fit_emergency_model(vectors.astype(np.float32), labels)
    return model, figures, heart, poison


def test_the_model_flags_messages_like_its_examples_with_their_group_and_few_others():
    rng = np.random.default_rng(3)
    model, figures, heart, poison = _fitted(rng)
    assert figures["others_flagged"] <= 0.011 and figures["emergencies_flagged"] >= 0.9
    assert all(model.group_for(v) == ("healthcare", 0) for v in _cloud(rng, heart, 10))
    assert all(model.group_for(v) == ("healthcare", 1) for v in _cloud(rng, poison, 10))
    calm = rng.normal(size=(200, heart.size))
    flagged = sum(model.group_for(v / np.linalg.norm(v)) is not None for v in calm)
    assert flagged <= 10
    again = EmergencyModel.from_dict(model.to_dict())
    assert [again.group_for(v) for v in _cloud(rng, heart, 5)] == [("healthcare", 0)] * 5


def test_a_phrase_decides_first_and_the_model_only_reads_messages_with_enough_words(tmp_path: Path):
    path = tmp_path / "domains.yaml"
    path.write_text(DOMAINS)
    domains = load_domains(path)
    flags_everything = EmergencyModel(("healthcare:1", NOT_URGENT), np.zeros((2, 4)), np.array([5.0, 0.0]), 0.5)
    vector_of, embedded = recording_vectors(np.ones(4, dtype=np.float32) / 2)

    def notice(model, message):
        found = urgency(domains, model, message, vector_of(message))
        return found.notice if found else None

    assert notice(None, "I have chest pain") == "Call 911."
    assert notice(flags_everything, "I have chest pain") == "Call 911."
    assert notice(flags_everything, "my son ate grandma's heart pills") == "Call Poison Help."
    assert notice(flags_everything, "What causes it?") is None  # too few words to read
    assert notice(None, "my son ate grandma's heart pills") is None  # no model: phrases only
    assert embedded == ["my son ate grandma's heart pills"]  # embedded only when the model reads it


def test_a_person_in_crisis_telling_of_it_is_answered_only_from_sentences_that_read_as_an_emergency():
    from ragcore.catalog import ChunkRecord, SentenceRecord
    from ragcore.emergency import Urgency, speaking_to
    from ragcore.retrieval import ScoredChunk, ScoredSentence

    rng = np.random.default_rng(5)
    model, _, heart, poison = _fitted(rng)
    calm = rng.normal(size=heart.size)
    # sentence rows: 0 reads as the heart emergency, 1 as poisoning, 2 as nothing urgent
    vectors = np.vstack([_cloud(rng, heart, 1), _cloud(rng, poison, 1), calm / np.linalg.norm(calm)])
    vectors = vectors.astype(np.float32)
    record = ChunkRecord(0, "page.md#0", "page.md", "healthcare", "Page", 0, 30, (), "")
    sentences = [
        ScoredSentence(SentenceRecord(row, "page.md", row * 10, row * 10 + 5, f"s{row}"), 0.5) for row in range(3)
    ]
    evidence = [ScoredChunk(record, 0.5, 0.5, None, 0.5, sentences)]

    crisis = Urgency("healthcare", "Call 988.", crisis=True, groups=frozenset({"healthcare:0"}))
    medical = Urgency("healthcare", "Call 911.", groups=frozenset({"healthcare:0"}))
    chosen = speaking_to("i can't go on", crisis, model, evidence, vectors)
    # the poisoning sentence reads as an emergency too, but not as this message's
    assert [s.record.row for chunk in chosen for s in chunk.sentences] == [0]
    both = Urgency("healthcare", "Call 988.", crisis=True, groups=frozenset({"healthcare:0", "healthcare:1"}))
    chosen = speaking_to("i can't go on", both, model, evidence, vectors)
    assert [s.record.row for chunk in chosen for s in chunk.sentences] == [0, 1]
    assert speaking_to("i can't go on", crisis, None, evidence, vectors) is evidence
    # a question is answered like any other: what it asks is what the passages were found for
    assert speaking_to("who can I call?", crisis, model, evidence, vectors) is evidence
    # so is a medical emergency: the passages on its signs are what it is found for
    assert speaking_to("my chest is crushing", medical, model, evidence, vectors) is evidence


def test_a_message_asks_something_or_only_says_what_is_happening():
    from ragcore.emergency import asks_something

    for question in ("my girlfriend overdosed what do I do", "who can I call", "is 185/122 an emergency?"):
        assert asks_something(question), question
    for statement in (
        "I don't see the point of living",
        "my dad beats me when I get bad grades",
        "help my brother is not breathing",
        "I've been planning how to end my life",
    ):
        assert not asks_something(statement), statement


def test_a_crisis_group_marks_the_urgency_of_its_messages(tmp_path: Path):
    path = tmp_path / "domains.yaml"
    path.write_text(DOMAINS)
    domains = load_domains(path)
    told = urgency(domains, None, "I want to kill myself", lambda: np.zeros(4))
    assert told.crisis and told.groups == {"healthcare:2"}
    assert not urgency(domains, None, "my friend overdosed", lambda: np.zeros(4)).crisis
    both = urgency(domains, None, "I overdosed to kill myself", lambda: np.zeros(4))
    assert both.crisis and both.groups == {"healthcare:1", "healthcare:2"}
