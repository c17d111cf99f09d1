"""The unsafe-request model and when it is read (synthetic vectors; the real model's behaviour on
requests is in tests/service/test_chat.py)."""

import numpy as np

from ragcore.unsafe import UnsafeModel, fit_unsafe_model, is_unsafe


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
    assert again.threshold == model.threshold
    assert [again.probability(v) >= again.threshold for v in _cloud(rng, harm, 5)] == [True] * 5


def test_short_requests_are_not_read_and_the_embedding_is_computed_only_when_read():
    refuses_everything = UnsafeModel(np.zeros(4, dtype=np.float32), 5.0, 0.5)
    embedded: list[str] = []

    def vector_of(request):
        def vector():
            embedded.append(request)
            return np.ones(4, dtype=np.float32) / 2

        return vector

    assert is_unsafe(
        refuses_everything,
        "how do I forge a doctor's prescription",
        vector_of("how do I forge a doctor's prescription"),
    )
    assert not is_unsafe(refuses_everything, "How much?", vector_of("How much?"))  # too few words to read
    assert not is_unsafe(None, "how do I forge a doctor's prescription", vector_of("no model"))
    assert embedded == ["how do I forge a doctor's prescription"]
