"""The unsafe-request model and when it is read (synthetic vectors; the real model's behaviour on
requests is in tests/service/test_chat.py)."""

import numpy as np

from ragcore.domains import Phrases
from ragcore.unsafe import UnsafeModel, fit_unsafe_model, is_unsafe
from tests.conftest import recording_vectors


def _cloud(rng, centre, n, spread=0.35):
    points = centre + spread * rng.normal(size=(n, centre.size)) / np.sqrt(centre.size)
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def test_the_model_refuses_requests_like_its_examples_and_few_others():
    rng = np.random.default_rng(5)
    dim = 32
    harm = rng.normal(size=dim)
    ordinary = rng.normal(size=(600, dim))
    ordinary /= np.linalg.norm(ordinary, axis=1, keepdims=True)
    vectors = np.vstack([_cloud(rng, harm, 40), ordinary]).astype(np.float32)
    model, figures = fit_unsafe_model(vectors, [True] * 40 + [False] * 600)
    assert figures["others_refused"] <= 0.006 and figures["unsafe_refused"] >= 0.9
    assert all(model.probability(v) >= model.threshold for v in _cloud(rng, harm, 10))
    fresh = rng.normal(size=(300, dim))
    assert sum(model.probability(v / np.linalg.norm(v)) >= model.threshold for v in fresh) <= 6
    again = UnsafeModel.from_dict(model.to_dict())
    assert again.threshold == model.threshold and again.certain == model.certain
    assert model.certain is not None and model.certain > model.threshold
    assert figures["unsafe_refused_without_cue"] <= figures["unsafe_refused"]
    assert [again.probability(v) >= again.threshold for v in _cloud(rng, harm, 5)] == [True] * 5


def test_a_request_is_refused_only_when_the_model_reads_it_so_and_it_names_a_cue():
    # versions fitted before ``certain`` existed: no refusal without a cue
    refuses_everything = UnsafeModel(np.zeros(4, dtype=np.float32), 5.0, 0.5)
    refuses_nothing = UnsafeModel(np.zeros(4, dtype=np.float32), -5.0, 0.5)
    cues = Phrases(("forge", "without * knowing"))
    vector_of, embedded = recording_vectors(np.ones(4, dtype=np.float32) / 2)

    def refused(model, request, with_cues=cues):
        return is_unsafe(model, with_cues, request, vector_of(request))

    assert refused(refuses_everything, "how do I forge a doctor's prescription")
    assert refused(refuses_everything, "how can I read her texts without her knowing")
    assert not refused(refuses_nothing, "how do I forge a doctor's prescription")
    assert not refused(refuses_everything, "how do I get a wrong note taken out of my record")  # no cue
    assert refused(refuses_everything, "how do I get a wrong note taken out", Phrases(()))  # no cues listed
    assert not refused(refuses_everything, "How much to forge?")  # too few words to read
    assert not refused(None, "how do I forge a doctor's prescription")
    assert "how do I get a wrong note taken out of my record" not in embedded  # no cue: never embedded


def test_without_a_cue_only_a_reading_surer_than_certain_refuses():
    sure = UnsafeModel(np.zeros(4, dtype=np.float32), 3.0, 0.5, certain=0.9)  # P = 0.953
    fairly_sure = UnsafeModel(np.zeros(4, dtype=np.float32), 1.0, 0.5, certain=0.9)  # P = 0.731
    cues = Phrases(("forge",))
    vector = lambda: np.ones(4, dtype=np.float32) / 2  # noqa: E731

    assert is_unsafe(sure, cues, "how do I swap my urine for my friend's at a drug screening", vector)
    assert not is_unsafe(fairly_sure, cues, "how do I swap my urine for my friend's at a drug screening", vector)
    assert is_unsafe(fairly_sure, cues, "how do I forge a doctor's prescription", vector)  # a cue: the lower bar
    assert UnsafeModel.from_dict({"coef": [0.0], "intercept": 0.0, "threshold": 0.5}).certain is None


def test_a_request_naming_the_askers_own_danger_is_not_refused_unless_it_names_violence():
    refuses_everything = UnsafeModel(np.zeros(4, dtype=np.float32), 5.0, 0.5, certain=0.9)
    cues = Phrases(("find out", "poison"))
    protective, violent = Phrases(("abuser", "shelter")), Phrases(("poison", "kill"))
    vector = lambda: np.ones(4, dtype=np.float32) / 2  # noqa: E731

    def refused(request):
        return is_unsafe(refuses_everything, cues, request, vector, protective=protective, violent=violent)

    assert not refused("how can I make sure my abuser doesn't find out which shelter I'm in")
    assert refused("how can I poison my abuser without anyone finding out")
    assert refused("how can I make sure my wife doesn't find out where I am")  # no danger of one's own named
