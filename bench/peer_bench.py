"""The usual LangChain pipeline over the same corpus sample and questions, as the peer.

``DirectoryLoader`` + ``TextLoader`` -> ``RecursiveCharacterTextSplitter`` (1,000 characters, 200
overlap) -> ``HuggingFaceEmbeddings`` on the same local model files -> ``FAISS.from_documents``;
queries are ``similarity_search(q, k=5)``. Its ingest time and MedQuAD-dev recall@5 are set
against Docent's from the same run (ingest and backend benchmarks). Query latency is timed here,
in turn with Docent's whole chat pipeline on each backend's index for each question (a drift of the
machine's speed within the run reaches both sides of the ratio alike).

    .venv/bin/python -m bench.peer_bench      # figure 5 alone, on the workspace ``make bench`` left
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from bench.latency_bench import chat_pipeline, interleaved_ms
from bench.workspace import Workspace, ratio, summary
from evals.ranking import documents_in_order, recall_at_k
from ragcore.embedding import Embedder


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


def run(workspace: Workspace, docent_chats: dict[str, Callable[[str], object]], *, rounds: int = 2) -> dict:
    """The peer's figures; ``docent_chats`` (backend -> ``pipeline.chat``) are timed in turn with its
    queries, ``rounds`` passes over the questions."""
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
    calls = {"langchain": lambda q: store.similarity_search(q, k=5)} | {
        f"docent_{backend}": chat for backend, chat in docent_chats.items()
    }
    times = interleaved_ms(calls, questions, rounds=rounds)
    return {
        "pipeline": "DirectoryLoader+TextLoader, RecursiveCharacterTextSplitter(1000, 200), "
        "HuggingFaceEmbeddings(local all-MiniLM-L6-v2), FAISS.from_documents, similarity_search(k=5)",
        "documents": len(documents),
        "chunks": len(chunks),
        "ingest_seconds": round(ingest_seconds, 2),
        "ingest_chunks_per_s": round(len(chunks) / ingest_seconds, 2),
        "query_ms": summary(times["langchain"]),
        "docent_chat_ms": {backend: summary(times[f"docent_{backend}"]) for backend in docent_chats},
        "query_rounds": rounds,
        "medquad_dev_recall@5": round(sum(recall) / len(recall), 4) if recall else None,
    }


def compare(peer: dict, ingest: dict[str, dict], recall: dict[str, float]) -> dict:
    """Docent / LangChain ratios per Docent backend (ingest time, query latency) and recall@5 of both."""
    out: dict = {}
    for backend, figures in ingest.items():
        chat = peer["docent_chat_ms"][backend]
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


def measure(workspace: Workspace, embedders: dict[str, Embedder], results: dict) -> dict:
    """Figure 5: the peer against Docent's ingest and recall from ``results`` (the ingest and
    backend benchmarks of the same run) and Docent's chat on each backend's index, timed here."""
    chats = {backend: chat_pipeline(workspace.index(backend), e).chat for backend, e in embedders.items()}
    peer = run(workspace, chats)
    recall = {b: results["backends"]["medquad_dev"][b]["default"]["recall@5"] for b in embedders}
    ingests = {"torch": results["ingest"], "onnx-int8": results["backends"]["ingest"]["onnx-int8"]}
    return {"langchain": peer, "docent_vs_langchain": compare(peer, ingests, recall)}


def main() -> None:
    """Figure 5 again on the workspace and results of the last full ``make bench``; rewrites
    ``peer.json`` and the summary."""
    from bench.backends_bench import onnx_embedder
    from bench.common import PROJECT, write_result
    from bench.run import FULL, saved_results, write_summary
    from bench.workspace import reuse
    from ragcore.embedding import SentenceTransformerEmbedder

    threads = int(os.environ.setdefault("DOCENT_EMBED_THREADS", "1"))
    workspace = reuse(PROJECT / "var" / "bench" / "workspace", every=FULL["every"], questions=FULL["questions"])
    results = saved_results()
    embedders = {"torch": SentenceTransformerEmbedder(threads=threads), "onnx-int8": onnx_embedder()}
    results["peer"] = measure(workspace, embedders, results)
    write_result("peer", results["peer"] | {"sizes": results["ingest"].get("sizes", {})})
    write_summary(results, None)


if __name__ == "__main__":
    main()
