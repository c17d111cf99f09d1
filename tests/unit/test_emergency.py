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
