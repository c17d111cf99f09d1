"""The direct query encoding gives the vector sentence-transformers' ``encode`` gives, for any
question, and is not used for a model it does not compute."""

import numpy as np
import pytest

from ragcore.bert_query import bert_query_encoder

QUESTIONS = [
    "What is asthma?",
    "",  # only [CLS] and [SEP]
    "Под ADA — can my LANDLORD refuse a “service animal”? 😀 naïve café",
    "How long do I have to return a security deposit? " * 60,  # far beyond 256 word pieces: truncated
]


def encode(model, texts):
    return model.encode(texts, batch_size=1, normalize_embeddings=True, convert_to_numpy=True)


def test_embed_query_is_the_vector_encode_gives(embedder):
    encoder = bert_query_encoder(embedder._model)
    assert encoder is not None  # the bundled model is the architecture it computes
    for question, expected in zip(QUESTIONS, encode(embedder._model, QUESTIONS)):
        got = embedder.embed_query(question)
        assert got.dtype == np.float32 and got.shape == (embedder.dim,)
        assert np.abs(got - expected).max() < 1e-5, question[:40]
        assert np.abs(encoder(question) - expected).max() < 1e-5


def test_the_long_question_is_truncated_like_encode_truncates_it(embedder):
    long, longer = QUESTIONS[3], QUESTIONS[3] + " And what about pets?"
    assert np.abs(embedder.embed_query(long) - embedder.embed_query(longer)).max() < 1e-6


@pytest.mark.parametrize("pooling_mode", ["cls", "max"])
def test_a_model_it_does_not_compute_gets_none(embedder, pooling_mode):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Normalize, Pooling

    transformer = embedder._model[0]
    other = SentenceTransformer(modules=[transformer, Pooling(embedder.dim, pooling_mode=pooling_mode), Normalize()])
    assert bert_query_encoder(other) is None
    without_normalize = SentenceTransformer(modules=[transformer, Pooling(embedder.dim, pooling_mode="mean")])
    assert bert_query_encoder(without_normalize) is None
