"""Ingest throughput against the model's own limit, and the cost of re-ingesting an unchanged corpus.

Both figures are ratios from one run on one machine:
- ``ingest_vs_encode``: Docent's whole ingest (load, chunk, embed, BM25, catalog, scope fit,
  publish) in chunks/s, divided by raw ``SentenceTransformer.encode`` on the same chunk texts
  (timed just before and just after the ingest; the mean of the two).
- ``reingest_fraction``: ``docent ingest`` run again on the unchanged corpus (it loads and hashes
  every file, finds the live version current and stops) as a fraction of the full ingest time;
  ``forced_rebuild_fraction``: the same with ``--force`` (a whole new version, every vector from
  the cache).
"""

from __future__ import annotations

import argparse
import shutil
import time

from bench.common import PROJECT, write_result
from bench.workspace import Workspace, prepare
from ragcore.embedding import Embedder


def run(every: int = 10, synthetic_docs: int = 300, *, threads: int = 1, workspace: Workspace | None = None) -> dict:
    """Figures for the PyTorch backend (``threads`` intra-op threads, as in ``make bench``) over the
    workspace's corpus (a fresh sample when none is given)."""
    from ragcore.embedding import SentenceTransformerEmbedder

    if workspace is None:
        workspace = prepare(
            PROJECT / "var" / "bench" / "ingest", every=every, questions=0, synthetic_docs=synthetic_docs
        )
    return measure_ingest(workspace, SentenceTransformerEmbedder(threads=threads), "torch", again=True)


def measure_ingest(workspace: Workspace, embedder: Embedder, name: str, *, again: bool = False) -> dict:
    """Raw ``embed_documents`` on the chunk texts before and after a full ingest into a fresh index
    (fresh embedding cache) with ``embedder``; with ``again``, the re-ingest and forced-rebuild figures."""
    from ingest.loaders import load_corpus
    from ingest.runner import run_ingest
    from ragcore.chunking import Chunker
    from ragcore.settings import Settings

    index_dir = workspace.index(name)
    shutil.rmtree(index_dir, ignore_errors=True)
    settings = Settings(index_dir=index_dir, corpus_dir=PROJECT / "corpus")
    chunker = Chunker(
        embedder.count_tokens, max_tokens=settings.chunk_tokens, overlap_tokens=settings.chunk_overlap_tokens
    )
    loaded = load_corpus(workspace.corpus).documents
    titles = {d.doc_id: d.title for d in loaded}
    texts = [c.embedding_text(titles[c.doc_id]) for d in loaded for c in chunker.split(d)]
    embedder.embed_documents(texts[:8])  # warm-up, as the ingest's first batch would pay it too

    def encode() -> float:
        started = time.perf_counter()
        embedder.embed_documents(texts)
        return time.perf_counter() - started

    # encode, ingest, encode again: the ratio uses the mean of the two encodes, so a machine that
    # slows down or speeds up over the minutes of the run does not favour either side
    encode_before = encode()
    full = run_ingest(settings, workspace.corpus, embedder=embedder)
    encode_after = encode()
    encode_seconds = (encode_before + encode_after) / 2
    encode_rate = len(texts) / encode_seconds
    ingest_rate = full.chunks / full.seconds
    result = {
        "backend": name,
        "source": workspace.source,
        "documents": full.documents,
        "chunks": full.chunks,
        "sentences": full.sentences,
        "encode_seconds": round(encode_seconds, 2),
        "encode_seconds_before_after": [round(encode_before, 2), round(encode_after, 2)],
        "encode_chunks_per_s": round(encode_rate, 2),
        "ingest_seconds": round(full.seconds, 2),
        "ingest_chunks_per_s": round(ingest_rate, 2),
        "ingest_vs_encode": round(ingest_rate / encode_rate, 3),
        "target_ingest_vs_encode": 0.95,
    }
    if again:
        repeat = run_ingest(settings, workspace.corpus, embedder=embedder)
        forced = run_ingest(settings, workspace.corpus, embedder=embedder, force=True)
        result |= {
            "reingest_seconds": round(repeat.seconds, 2),
            "reingest_up_to_date": repeat.up_to_date,
            "reingest_fraction": round(repeat.seconds / full.seconds, 3),
            "target_reingest_fraction": 0.05,
            "forced_rebuild_seconds": round(forced.seconds, 2),
            "forced_rebuild_embedded": forced.embedded,
            "forced_rebuild_fraction": round(forced.seconds / full.seconds, 3),
        }
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=int, default=10, help="take every N-th shared document (default 10)")
    parser.add_argument("--threads", type=int, default=1, help="embedding threads (0: the library's default)")
    args = parser.parse_args(argv)
    print(write_result("ingest", run(every=args.every, threads=args.threads)).read_text())


if __name__ == "__main__":
    main()
