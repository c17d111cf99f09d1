"""The usual LangChain pipeline over the same corpus sample and questions, as the peer.

``DirectoryLoader`` + ``TextLoader`` -> ``RecursiveCharacterTextSplitter`` (1,000 characters, 200
overlap) -> ``HuggingFaceEmbeddings`` on the same local model files -> ``FAISS.from_documents``;
queries are ``similarity_search(q, k=5)``. Its ingest time, query latency and MedQuAD-dev recall@5
are set against Docent's from the same run (ingest, backend and latency benchmarks).
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.workspace import Workspace, latency_ms, ratio, summary
from evals.ranking import documents_in_order, recall_at_k


def peer_embeddings():  # type: ignore[no-untyped-def]
    """``HuggingFaceEmbeddings`` on the bundled model's files (the peer's embedder)."""
    from langchain_huggingface import HuggingFaceEmbeddings

    from ragcore.embedding import bundled_model_path

    return HuggingFaceEmbeddings(model_name=str(bundled_model_path()), model_kwargs={"device": "cpu"})


def build_peer_store(corpus: Path, embeddings):  # type: ignore[no-untyped-def]
    """``(FAISS store, documents, chunks)``: the peer's whole ingest of the Markdown files under ``corpus``."""
    from langchain_community.document_loaders import DirectoryLoader, TextLoader
    from langchain_community.vectorstores import FAISS
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    documents = DirectoryLoader(
        str(corpus), glob="**/*.md", loader_cls=TextLoader, loader_kwargs={"encoding": "utf-8"}
    ).load()
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(documents)
    return FAISS.from_documents(chunks, embeddings), documents, chunks


def run(workspace: Workspace) -> dict:
    embeddings = peer_embeddings()
    embeddings.embed_query("warm-up")
    started = time.perf_counter()
    store, documents, chunks = build_peer_store(workspace.corpus, embeddings)
    ingest_seconds = time.perf_counter() - started

    prefix = str(workspace.corpus) + "/"

    def doc_ids(question: str) -> list[str]:
        return [d.metadata["source"].removeprefix(prefix) for d in store.similarity_search(question, k=5)]

    questions = [item.question for item in workspace.questions]
    recall = [
        recall_at_k(documents_in_order(doc_ids(i.question)), dict.fromkeys(i.gold_sources, 1), 5)
        for i in workspace.questions
    ]
    query = summary(latency_ms(lambda q: store.similarity_search(q, k=5), questions))
    return {
        "pipeline": "DirectoryLoader+TextLoader, RecursiveCharacterTextSplitter(1000, 200), "
        "HuggingFaceEmbeddings(local all-MiniLM-L6-v2), FAISS.from_documents, similarity_search(k=5)",
        "documents": len(documents),
        "chunks": len(chunks),
        "ingest_seconds": round(ingest_seconds, 2),
        "ingest_chunks_per_s": round(len(chunks) / ingest_seconds, 2),
        "query_ms": query,
        "medquad_dev_recall@5": round(sum(recall) / len(recall), 4) if recall else None,
    }


def compare(peer: dict, ingest: dict[str, dict], latency: dict, recall: dict[str, float]) -> dict:
    """Docent / LangChain ratios per Docent backend (ingest time, query latency) and recall@5 of both."""
    out: dict = {}
    for backend, figures in ingest.items():
        chat = latency["by_backend"][backend]["chat_in_process_ms"]
        out[backend] = {
            "ingest_time_ratio": round(figures["ingest_seconds"] / peer["ingest_seconds"], 3),
            "chunks_per_s_ratio": round(figures["ingest_chunks_per_s"] / peer["ingest_chunks_per_s"], 3),
            "chat_vs_similarity_search": ratio(chat, peer["query_ms"]),
            "medquad_dev_recall@5": recall[backend],
        }
    return out | {
        "langchain_medquad_dev_recall@5": peer["medquad_dev_recall@5"],
        "target_ingest_time_ratio_int8": 0.55,
        "target_query_latency_ratio": 1.0,
    }
