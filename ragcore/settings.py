"""Settings, read from the environment (prefix ``DOCENT_``, nested with ``__``).

Built on demand through :func:`get_settings`; nothing is read at import time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class RetrievalSettings(BaseSettings):
    """How candidates are found and ranked."""

    mode: Literal["hybrid", "dense", "lexical"] = Field("hybrid", description="Which retrievers to use.")
    rerank: bool = Field(True, description="Rerank fused candidates by chunk and best-sentence similarity.")
    rerank_pool: int = Field(20, ge=1, le=1000, description="Fused candidates that are reranked.")
    k: int = Field(5, ge=1, le=50, description="Chunks returned after reranking.")
    candidate_pool: int = Field(50, ge=5, le=1000, description="Candidates per retriever before fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(1.0, ge=0.0, description="Weight of the dense ranking in fusion.")
    lexical_weight: float = Field(1.0, ge=0.0, description="Weight of the BM25 ranking in fusion.")
    duplicate_similarity: float = Field(
        0.97, ge=0.0, le=1.0, description="Drop a chunk this similar to a better one (near-duplicate)."
    )
    mmr_weight: float = Field(0.0, ge=0.0, le=1.0, description="Maximal-marginal-relevance penalty (0: off).")
    rerank_fusion_weight: float = Field(
        0.1, ge=0.0, le=10.0, description="Weight of the fused rank score next to the similarities when reranking."
    )
    rerank_sentence_weight: float = Field(
        0.5, ge=0.0, le=1.0, description="Share of the best-sentence similarity in the rerank score."
    )


class Calibration(BaseSettings):
    """Error rates the scope guard and evidence gate are calibrated to, on held-out example questions."""

    max_false_out_of_scope: float = Field(
        0.01, ge=0.0, lt=1.0, description="Share of in-domain example questions the scope guard may call out of scope."
    )
    max_false_insufficient: float = Field(
        0.01, ge=0.0, lt=1.0, description="Share of answerable example questions the evidence gate may refuse."
    )


class AnswerSettings(BaseSettings):
    """How extractive answers are put together."""

    max_sentences: int = Field(3, ge=1, le=10, description="Most sentences quoted in one answer.")
    sentence_margin: float = Field(
        0.12, ge=0.0, le=1.0, description="Quote sentences scoring within this of the best one."
    )


class VectorIndexSettings(BaseSettings):
    """Which FAISS index holds the chunk vectors: exact search up to ``exact_max`` chunks, then an
    approximate one (IVF with a trained quantiser, memory-mapped when loaded; or HNSW)."""

    kind: Literal["auto", "flat", "ivf", "hnsw"] = Field(
        "auto", description="auto: flat (exact) up to exact_max chunks, else `approximate`; or force one kind."
    )
    exact_max: int = Field(200_000, ge=0, description="Most chunks searched exactly when kind is auto.")
    approximate: Literal["ivf", "hnsw"] = Field("ivf", description="The approximate index used beyond exact_max.")
    ivf_nprobe: int = Field(32, ge=1, le=65536, description="IVF lists scanned per query (recall vs speed).")
    hnsw_m: int = Field(32, ge=4, le=128, description="HNSW neighbours per node.")
    hnsw_ef_construction: int = Field(80, ge=8, le=2048, description="HNSW candidate list while building.")
    hnsw_ef_search: int = Field(96, ge=8, le=4096, description="HNSW candidate list per query.")


class Settings(BaseSettings):
    """Everything Docent can be configured with."""

    model_config = SettingsConfigDict(env_prefix="DOCENT_", env_nested_delimiter="__", extra="ignore")

    index_dir: Path = Field(PROJECT_ROOT / "var" / "index", description="Index store directory.")
    corpus_dir: Path = Field(PROJECT_ROOT / "corpus", description="Corpus root used by re-ingest.")
    domains_file: Path | None = Field(None, description="domains.yaml; defaults to <corpus_dir>/domains.yaml.")
    conversations_db: Path | None = Field(
        None, description="SQLite file for conversations; defaults to <index_dir>/conversations.sqlite."
    )
    embedding_model: str = Field(
        "all-MiniLM-L6-v2", description="Embedding model; the bundled one is loaded from site-packages."
    )
    embedding_backend: Literal["torch", "onnx-int8"] = Field(
        "torch",
        description="torch: the model under PyTorch; onnx-int8: the same model exported to ONNX and quantised to "
        "int8 on first use (faster on CPU). Recorded in the manifest: query an index with the backend that built it.",
    )
    onnx_dir: Path = Field(
        PROJECT_ROOT / "var" / "onnx", description="Cache of the int8 ONNX export (made locally, never downloaded)."
    )
    vector_index: VectorIndexSettings = Field(
        default_factory=lambda: VectorIndexSettings(), description="Exact or approximate vector search."
    )
    embed_threads: int = Field(
        0,
        ge=0,
        le=256,
        description="Threads per embedding call (0: the library's default, one per core). On cores shared with "
        "other busy processes 1 avoids threads waiting on each other.",
    )
    embed_batch_size: int = Field(32, ge=1, le=1024, description="Texts per embedding batch.")
    chunk_tokens: int = Field(200, ge=32, le=256, description="Most word pieces in one chunk.")
    chunk_overlap_tokens: int = Field(40, ge=0, le=128, description="Word pieces shared by neighbouring chunks.")
    calibration: Calibration = Field(default_factory=lambda: Calibration(), description="Refusal calibration.")
    sentence_vectors: Literal["pooled", "separate"] = Field(
        "pooled",
        description="pooled: sentence vectors from the chunk's own forward pass (one model call per chunk); "
        "separate: every sentence encoded on its own.",
    )
    keep_versions: int = Field(3, ge=1, le=100, description="Index versions kept after each ingest.")
    admin_api_key: str | None = Field(
        None, description="Bearer key for /v1/admin routes; without one the admin routes are disabled."
    )
    reload_interval_s: float = Field(
        2.0, ge=0.0, description="How often the service checks CURRENT for a new version (0: never)."
    )
    retrieval: RetrievalSettings = Field(default_factory=lambda: RetrievalSettings(), description="Retrieval.")
    answer: AnswerSettings = Field(default_factory=lambda: AnswerSettings(), description="Extractive answers.")

    @field_validator("chunk_overlap_tokens")
    @classmethod
    def _overlap_below_size(cls, value: int, info) -> int:  # type: ignore[no-untyped-def]
        size = info.data.get("chunk_tokens", 200)
        if value >= size:
            raise ValueError(f"chunk_overlap_tokens ({value}) must be below chunk_tokens ({size})")
        return value

    @property
    def resolved_domains_file(self) -> Path:
        return self.domains_file or self.corpus_dir / "domains.yaml"

    @property
    def resolved_conversations_db(self) -> Path:
        return self.conversations_db or self.index_dir / "conversations.sqlite"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
