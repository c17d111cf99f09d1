"""The int8 ONNX embedding backend: the bundled all-MiniLM-L6-v2, exported once to ONNX and
quantised dynamically to int8 (weights int8 per channel, activations uint8 at run time), run with
onnxruntime on CPU.

Why not ``sentence_transformers.export_dynamic_quantized_onnx_model``: it needs optimum-onnx, whose
only release pins ``transformers<4.58`` while sentence-transformers 6 needs ``transformers>=5``, so
the two cannot be installed together. The same two steps are done here with their primitives:
``torch.onnx.export`` of the transformer (output: the token embeddings, so sentence spans can be
pooled from the same pass) and ``onnxruntime.quantization.quantize_dynamic`` (the QOperator,
QInt8-weights, per-channel scheme of sentence-transformers' ``avx512_vnni``/``avx2`` configs).

The export is made from the model files in site-packages on first use and cached under
``DOCENT_ONNX_DIR``; nothing is downloaded. Vectors differ slightly from PyTorch's (cosine about
0.99), so the model id differs too: an index built with one backend must be queried with it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from ragcore.embedding import QueryAndTokenCount, bundled_model_path, embed_in_length_order
from ragcore.errors import ConfigError

log = logging.getLogger(__name__)

BACKEND = "onnx-int8"
_EXPORT_VERSION = "1"  # bump when the export or quantisation recipe changes
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_int8_onnx(model_dir: Path, target_dir: Path) -> Path:
    """Export ``model_dir`` (a sentence-transformers folder) to ``target_dir/model_qint8.onnx``
    unless an export of the same source files is already there; returns the file's path."""
    target_dir.mkdir(parents=True, exist_ok=True)
    model_file = target_dir / "model_qint8.onnx"
    stamp_file = target_dir / "export.json"
    stamp = {"source": str(model_dir), "fingerprint": _fingerprint(model_dir), "recipe": _EXPORT_VERSION}
    if model_file.is_file() and stamp_file.is_file() and json.loads(stamp_file.read_text()) == stamp:
        return model_file
    _check_mean_pooling(model_dir)
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    log.info("exporting %s to int8 ONNX in %s (once)", model_dir, target_dir)
    model: Any = AutoModel.from_pretrained(str(model_dir)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    sample = tokenizer(
        ["An example sentence.", "A second, longer example sentence."], padding=True, return_tensors="pt"
    )

    class _TokenEmbeddings(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    pid = os.getpid()
    fp32, int8 = target_dir / f".model-{pid}.onnx", target_dir / f".model_qint8-{pid}.onnx"
    try:
        torch.onnx.export(
            _TokenEmbeddings(model),
            tuple(sample[name] for name in _INPUTS),
            str(fp32),
            input_names=list(_INPUTS),
            output_names=["token_embeddings"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "token_embeddings")},
            opset_version=17,
            dynamo=False,  # the TorchScript exporter needs no onnxscript
        )
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
        os.replace(int8, model_file)  # concurrent exports each write their own file; the last rename wins
        tmp_stamp = target_dir / f".export-{pid}.json"
        tmp_stamp.write_text(json.dumps(stamp))
        os.replace(tmp_stamp, stamp_file)
    finally:
        for leftover in (fp32, int8):
            leftover.unlink(missing_ok=True)
    return model_file


class OnnxInt8Embedder(QueryAndTokenCount):
    """all-MiniLM-L6-v2 as int8 ONNX under onnxruntime; same contract as
    :class:`~ragcore.embedding.SentenceTransformerEmbedder`, including span pooling."""

    backend = BACKEND
    # One text per run: 1.5-1.6x faster than batches of 32 on the bench sample (no padding, activations
    # stay in cache), and a text's vector no longer depends on its batch neighbours — dynamic
    # quantisation scales activations per tensor, i.e. per batch — so it matches its cached vector.
    DEFAULT_BATCH = 1

    def __init__(
        self,
        model_name: str = "all-MiniLM-L6-v2",
        *,
        cache_dir: Path,
        batch_size: int = DEFAULT_BATCH,
        threads: int = 0,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import onnxruntime as ort
        except ImportError as exc:  # pragma: no cover - install problem
            raise ConfigError("the onnx-int8 backend needs onnxruntime: pip install onnxruntime onnx") from exc
        from transformers import AutoTokenizer

        path = bundled_model_path() if model_name == "all-MiniLM-L6-v2" else Path(model_name)
        if not path.exists():
            raise ConfigError(f"embedding model {model_name!r} not found at {path}")
        model_file = export_int8_onnx(path, Path(cache_dir) / f"{path.name}-{_fingerprint(path)[:12]}")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # 0: onnxruntime's default (one per physical core)
        self._session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        self._tokenizer = AutoTokenizer.from_pretrained(str(path))
        self._spans_tokenizer = copy.deepcopy(self._tokenizer)  # one per method: see SpanEmbedder
        self.threads = threads
        self.model_file = model_file
        self.model_id = f"sentence-transformers/{model_name}+{BACKEND}"
        self.dim = int(json.loads((path / "1_Pooling" / "config.json").read_text())["word_embedding_dimension"])
        self.batch_size = batch_size
        self.max_tokens = int(json.loads((path / "sentence_bert_config.json").read_text()).get("max_seq_length", 256))

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, [[] for _ in texts], self._tokenizer, self.batch_size)[0]

    def embed_with_spans(
        self, texts: list[str], spans: list[list[tuple[int, int]]], *, batch_size: int | None = None
    ) -> tuple[np.ndarray, list[list[np.ndarray | None]]]:
        """Mean-pooled unit vectors per text and, for each char span, the mean of its token vectors
        (``None`` when no token lies inside), from one forward pass; see ``SentenceTransformerEmbedder``."""
        return self._embed(texts, spans, self._spans_tokenizer, batch_size or self.batch_size)

    def _embed(
        self, texts: list[str], spans: list[list[tuple[int, int]]], tokenizer: Any, batch_size: int
    ) -> tuple[np.ndarray, list[list[np.ndarray | None]]]:
        def forward(batch: list[str], with_offsets: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
            enc = tokenizer(
                batch,
                padding=True,
                truncation=True,
                max_length=self.max_tokens,
                return_offsets_mapping=with_offsets,
                return_tensors="np",
            )
            tokens = self._session.run(None, {name: enc[name].astype(np.int64) for name in _INPUTS})[0]
            mask = enc["attention_mask"][..., None].astype(np.float32)
            pooled = (tokens * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            unit = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            return unit, tokens, enc.get("offset_mapping")

        # no growing groups of short texts: int8 vectors must not depend on their batch neighbours
        return embed_in_length_order(texts, spans, batch_size, self.dim, forward, grow_short=False)


def _fingerprint(model_dir: Path) -> str:
    """Names, sizes and modification times of the model's files: a changed model re-exports."""
    parts = sorted(
        f"{p.relative_to(model_dir)}:{p.stat().st_size}:{int(p.stat().st_mtime)}"
        for p in model_dir.rglob("*")
        if p.is_file()
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _check_mean_pooling(model_dir: Path) -> None:
    config = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
    if not config.get("pooling_mode_mean_tokens"):
        raise ConfigError(f"the onnx-int8 backend supports mean-pooled models only; {model_dir} pools otherwise")
