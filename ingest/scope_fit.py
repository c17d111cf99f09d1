"""Fit the scope guard, evidence gate, emergency model and unsafe-request model of a new version from ``domains.yaml``'s
examples (and the calibration half of any labelled sets the operator names).

Each example runs through the version's own retrieval, so its features are the ones the guard
sees at query time; example-similarity features leave the example itself out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ingest.calibration_sets import read_calibration_set
from ragcore.domains import load_domains
from ragcore.emergency import NOT_URGENT, fit_emergency_model, training_messages
from ragcore.errors import ConfigError
from ragcore.loaded_index import SCOPE_EXAMPLES, SCOPE_MODEL, load_path
from ragcore.retrieval import HybridRetriever
from ragcore.scope import (
    EVIDENCE_FEATURES,
    OUT_OF_SCOPE,
    SCOPE_FEATURES,
    UNANSWERABLE,
    ExampleQuestions,
    LogisticModel,
    fit_logistic,
    query_features,
)
from ragcore.settings import Calibration, RetrievalSettings
from ragcore.unsafe import fit_unsafe_model, training_requests

SCOPE_VERSION = "logistic-v10"  # bump when features (or the retrieval they come through) or scope.json change
SCOPE_ONLY = ":scope-only"  # label suffix of in-domain phrasings that say nothing about answerability


@dataclass(frozen=True)
class TrainingQuestions:
    """The questions the scope guard and evidence gate are fitted on, with their labels: a domain
    name (answerable), UNANSWERABLE, OUT_OF_SCOPE or ``<domain>:scope-only``."""

    questions: list[str]
    labels: list[str]
    # the emergency groups' example messages and non-urgent ones: "<domain>:<group>" or NOT_URGENT
    messages: list[str] = field(default_factory=list)
    message_labels: list[str] = field(default_factory=list)
    # ``unsafe.examples`` (True) and ``unsafe.safe_examples`` (False)
    requests: list[str] = field(default_factory=list)
    request_unsafe: list[bool] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        """Everything to embed: questions, then messages, then requests."""
        return self.questions + self.messages + self.requests


def training_questions(domains_file: Path, *, calibration: Calibration) -> TrainingQuestions:
    """``domains.yaml``'s examples plus the calibration half of each labelled set the operator named;
    checked before any embedding, so a bad file fails the ingest at once."""
    domains = load_domains(domains_file)
    questions: list[str] = []
    labels: list[str] = []
    for name, domain in domains.domains.items():
        questions += list(domain.examples) + list(domain.unanswerable_examples) + list(domain.scope_examples)
        labels += [name] * len(domain.examples) + [UNANSWERABLE] * len(domain.unanswerable_examples)
        labels += [f"{name}{SCOPE_ONLY}"] * len(domain.scope_examples)
    questions += list(domains.out_of_scope_examples)
    labels += [OUT_OF_SCOPE] * len(domains.out_of_scope_examples)
    for path in calibration.extra_sets:
        extra = read_calibration_set(Path(path), calibration.extra_per_set)
        questions += [q.question for q in extra]
        labels += [q.label for q in extra]
    if labels.count(OUT_OF_SCOPE) < 2 or labels.count(UNANSWERABLE) < 2 or len(set(labels)) < 3:
        raise ConfigError(
            f"{domains_file} needs examples, unanswerable_examples and out_of_scope examples to calibrate"
        )
    messages, message_labels = training_messages(domains)
    requests, request_unsafe = training_requests(domains)
    return TrainingQuestions(questions, labels, messages, message_labels, requests, request_unsafe)


def fit_scope_for_version(
    version_dir: Path,
    training: TrainingQuestions,
    vectors: np.ndarray,
    *,
    calibration: Calibration,
    retrieval: RetrievalSettings,
    message_models: tuple[dict, dict] | None = None,
) -> dict:
    """Fit on ``training`` (``vectors``: the embeddings of ``training.texts``, in order); write
    ``scope.json`` and ``scope_examples.npy`` into ``version_dir``; return a summary. ``retrieval`` is
    how the chat API will retrieve: the examples' features must come the way a query's will.
    ``message_models``: :func:`fit_message_models`' result when it was fitted already (beside the
    chunk pass: it needs no index)."""
    questions, labels = training.questions, training.labels
    if message_models is None:
        message_models = fit_message_models(training, vectors)
    vectors = vectors[: len(questions)]
    index = load_path(version_dir, with_scope=False)
    retriever = HybridRetriever(index, retrieval)
    catalog_text = index.catalog.document_text
    examples = ExampleQuestions(vectors, labels).with_self_similarity()
    rows = [
        query_features(q, v, retriever.retrieve(q, v), index.lexical, examples, exclude=i, document_text=catalog_text)
        for i, (q, v) in enumerate(zip(questions, vectors))
    ]
    scope, scope_figures = fit_logistic(
        rows,
        [label != OUT_OF_SCOPE for label in labels],
        SCOPE_FEATURES,
        max_false_negative=calibration.max_false_out_of_scope,
        vectors=vectors,
        groups=labels,  # each domain and extra set keeps its own false-refusal budget
        regularisation=1.0,
    )
    in_domain = [i for i, label in enumerate(labels) if label != OUT_OF_SCOPE and not label.endswith(SCOPE_ONLY)]
    evidence, evidence_figures = fit_logistic(
        [rows[i] for i in in_domain],
        [labels[i] != UNANSWERABLE for i in in_domain],
        EVIDENCE_FEATURES,
        max_false_negative=calibration.max_false_insufficient,
        vectors=vectors[in_domain],
        groups=[labels[i] for i in in_domain],
        every_group=True,  # no domain may lose its answerable questions to another's easy ones
    )
    params = {"scope": scope.to_dict(), "evidence": evidence.to_dict(), "example_labels": labels}
    held_out = {"scope": scope_figures, "evidence": evidence_figures}
    params |= message_models[0]
    held_out |= message_models[1]
    np.save(version_dir / SCOPE_EXAMPLES, vectors.astype(np.float32))
    (version_dir / SCOPE_MODEL).write_text(json.dumps(params, indent=1), encoding="utf-8")
    return {
        "scope": _summary(scope),
        "evidence": _summary(evidence),
        "trained_on": {label: labels.count(label) for label in sorted(set(labels))},
        "held_out": held_out,
    }


def fit_message_models(training: TrainingQuestions, vectors: np.ndarray) -> tuple[dict, dict]:
    """The emergency and unsafe-request models (``scope.json`` entries, held-out figures): fitted on
    the training texts' embeddings alone, so they need no index."""
    questions, messages = training.questions, training.messages
    question_vectors, message_vectors, request_vectors = np.split(vectors, np.cumsum([len(questions), len(messages)]))
    params: dict = {}
    held_out: dict = {}
    if any(label != NOT_URGENT for label in training.message_labels):
        # every question is a question, not a cry for help: the non-urgent side learns from them too
        emergency, held_out["emergency"] = fit_emergency_model(
            np.vstack([message_vectors, question_vectors]), training.message_labels + [NOT_URGENT] * len(questions)
        )
        params["emergency"] = emergency.to_dict()
    if any(training.request_unsafe):
        # no question or emergency message asks for harm: the ordinary side learns from them all
        unsafe, held_out["unsafe"] = fit_unsafe_model(
            np.vstack([request_vectors, question_vectors, message_vectors]),
            training.request_unsafe + [False] * (len(questions) + len(messages)),
        )
        params["unsafe"] = unsafe.to_dict()
    return params, held_out


def _summary(model: LogisticModel) -> dict:
    """The model for the manifest, without the 384 embedding weights (those live in scope.json)."""
    return {k: v for k, v in model.to_dict().items() if k != "vector_coef"} | {
        "uses_embedding": bool(model.vector_coef)
    }
