"""One question through the bundled BERT encoder, without the libraries' per-call machinery.

A question is a single short text: nothing to pad, no attention mask, no batch. For such a call
sentence-transformers' ``encode`` and transformers' ``BertModel.forward`` spend about a quarter of
the time in Python (argument handling, mask building, output records), and the query embedding is
most of an answer's time. :class:`BertQueryEncoder` does the same arithmetic with the model's own
weights in a dozen tensor operations a layer; it is used only for a model it has been checked
against (:func:`bert_query_encoder`), so the vector it gives is the one ``encode`` gives.

>>> encode = bert_query_encoder(sentence_transformer)  # None when the model is not a plain BERT
>>> encode("What is asthma?").shape
(384,)
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

# Checked at load: a long and a short probe must give encode's vector within float32 rounding.
_PROBES = ("What is asthma?", "Under the ADA, must a landlord allow a service animal? " * 30)
_TOLERANCE = 1e-5


class BertQueryEncoder:
    """Mean-pooled, L2-normalised BERT token vectors of one text, computed directly from the
    weights of a sentence-transformers model of the form Transformer(BertModel) → mean Pooling →
    Normalize (all-MiniLM-L6-v2's)."""

    def __init__(self, sentence_transformer: Any, *, max_tokens: int) -> None:
        import torch
        from tokenizers import Tokenizer

        bert = sentence_transformer[0].auto_model
        # A copy of the Rust tokenizer of our own: the library's wrapper switches padding and
        # truncation on the shared one inside each call, from whichever thread is encoding.
        self._tokenizer = Tokenizer.from_str(sentence_transformer.tokenizer.backend_tokenizer.to_str())
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self._max_tokens = max_tokens
        self._heads = int(bert.config.num_attention_heads)
        embeddings = bert.embeddings
        self._words = embeddings.word_embeddings.weight
        self._positions = embeddings.position_embeddings.weight
        self._segment = embeddings.token_type_embeddings.weight[0]
        self._embedding_norm = _norm(embeddings.LayerNorm)
        self._layers: list[tuple[Any, ...]] = []
        for layer in bert.encoder.layer:
            attention = layer.attention.self
            qkv_weight = torch.cat([attention.query.weight, attention.key.weight, attention.value.weight])
            qkv_bias = torch.cat([attention.query.bias, attention.key.bias, attention.value.bias])
            self._layers.append(
                (
                    (qkv_weight.detach().contiguous(), qkv_bias.detach().contiguous()),
                    (layer.attention.output.dense.weight, layer.attention.output.dense.bias),
                    _norm(layer.attention.output.LayerNorm),
                    (layer.intermediate.dense.weight, layer.intermediate.dense.bias),
                    (layer.output.dense.weight, layer.output.dense.bias),
                    _norm(layer.output.LayerNorm),
                )
            )

    def __call__(self, text: str) -> np.ndarray:
        import torch
        from torch.nn import functional

        ids = self._tokenizer.encode(text).ids
        if len(ids) > self._max_tokens:  # truncate as the tokenizer does: keep [SEP] at the end
            ids = ids[: self._max_tokens - 1] + ids[-1:]
        with torch.inference_mode():
            tokens = torch.tensor(ids)
            count = len(ids)
            x = self._words[tokens] + self._positions[:count] + self._segment
            x = _layer_norm(x, self._embedding_norm)
            width = x.shape[-1]
            head_width = width // self._heads
            for qkv, attention_out, attention_norm, intermediate, output, output_norm in self._layers:
                q, k, v = functional.linear(x, *qkv).view(count, 3, self._heads, head_width).permute(1, 2, 0, 3)
                context = functional.scaled_dot_product_attention(q, k, v).transpose(0, 1).reshape(count, width)
                x = _layer_norm(functional.linear(context, *attention_out) + x, attention_norm)
                hidden = functional.gelu(functional.linear(x, *intermediate))
                x = _layer_norm(functional.linear(hidden, *output) + x, output_norm)
            return functional.normalize(x.mean(0), dim=-1).numpy()


def bert_query_encoder(sentence_transformer: Any, *, max_tokens: int = 256) -> BertQueryEncoder | None:
    """A :class:`BertQueryEncoder` for ``sentence_transformer`` if it is the architecture the
    encoder computes and agrees with ``encode`` on the probes; otherwise ``None`` (use ``encode``)."""
    if not _is_plain_bert(sentence_transformer):
        return None
    encoder = BertQueryEncoder(sentence_transformer, max_tokens=max_tokens)
    expected = sentence_transformer.encode(list(_PROBES), normalize_embeddings=True, convert_to_numpy=True)
    difference = max(float(np.abs(encoder(probe) - vector).max()) for probe, vector in zip(_PROBES, expected))
    if difference > _TOLERANCE:
        log.warning("direct query encoding differs from encode by %.2g; using encode", difference)
        return None
    return encoder


def _is_plain_bert(sentence_transformer: Any) -> bool:
    modules = [type(module).__name__ for module in sentence_transformer]
    if modules != ["Transformer", "Pooling", "Normalize"]:
        return False
    bert = getattr(sentence_transformer[0], "auto_model", None)
    config = getattr(bert, "config", None)
    return (
        type(bert).__name__ == "BertModel"
        and getattr(config, "hidden_act", None) == "gelu"
        and getattr(config, "position_embedding_type", "absolute") == "absolute"
        and getattr(sentence_transformer[1], "pooling_mode", None) == "mean"
    )


def _norm(layer_norm: Any) -> tuple[Any, Any, float]:
    return layer_norm.weight, layer_norm.bias, float(layer_norm.eps)


def _layer_norm(x: Any, norm: tuple[Any, Any, float]) -> Any:
    from torch.nn import functional

    weight, bias, eps = norm
    return functional.layer_norm(x, (x.shape[-1],), weight, bias, eps)
