"""Embedding backends by name (``DOCENT_EMBEDDING_BACKEND``): the one place an :class:`Embedder`
is made from settings, for the service, the CLI, ingest and the evals."""

from __future__ import annotations

from collections.abc import Callable

from ragcore.embedding import Embedder, SentenceTransformerEmbedder
from ragcore.errors import ConfigError
from ragcore.settings import Settings


def _torch(settings: Settings) -> Embedder:
    return SentenceTransformerEmbedder(settings.embedding_model, threads=settings.embed_threads, **_batch(settings))


def _onnx_int8(settings: Settings) -> Embedder:
    from ragcore.onnx_embedding import OnnxInt8Embedder  # lazy: onnxruntime only when chosen

    return OnnxInt8Embedder(
        settings.embedding_model,
        cache_dir=settings.onnx_dir,
        threads=settings.embed_threads,
        **_batch(settings),
    )


def _batch(settings: Settings) -> dict[str, int]:
    """The configured batch size, else none: each backend has its own measured default."""
    return {} if settings.embed_batch_size is None else {"batch_size": settings.embed_batch_size}


BACKENDS: dict[str, Callable[[Settings], Embedder]] = {"torch": _torch, "onnx-int8": _onnx_int8}


def make_embedder(settings: Settings) -> Embedder:
    """The embedder ``settings.embedding_backend`` names."""
    try:
        factory = BACKENDS[settings.embedding_backend]
    except KeyError:
        known = sorted(BACKENDS)
        raise ConfigError(f"unknown embedding backend {settings.embedding_backend!r}; known: {known}") from None
    return factory(settings)


def backend_of(embedder: object) -> str | None:
    """The backend name an embedder (or a caching wrapper around one) declares, if any."""
    inner = getattr(embedder, "inner", embedder)
    return getattr(inner, "backend", None)
