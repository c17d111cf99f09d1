"""catalog.sqlite: documents, sections, chunks and sentences with their char offsets.

Chunk ``row`` numbers equal vector-index rows; sentence ``row`` numbers equal rows of the
sentence-vector matrix.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

from ragcore.chunking import Chunk
from ragcore.documents import Document, Section, Span
from ragcore.errors import DocumentNotFound

_SENTENCE_CACHE_CHUNKS = 16384  # chunks whose sentence records stay built (about 2 KB each)

_SCHEMA = """
CREATE TABLE documents (doc_id TEXT PRIMARY KEY, domain TEXT NOT NULL, title TEXT NOT NULL,
    text TEXT NOT NULL, content_hash TEXT NOT NULL, metadata TEXT NOT NULL, sections TEXT NOT NULL);
CREATE TABLE chunks (row INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL, doc_id TEXT NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, section TEXT NOT NULL);
CREATE TABLE sentences (row INTEGER PRIMARY KEY, doc_id TEXT NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL);
CREATE INDEX sentences_by_doc ON sentences (doc_id, start);
"""


@dataclass(frozen=True)
class ChunkRecord:
    row: int
    chunk_id: str
    doc_id: str
    domain: str
    title: str
    start: int
    end: int
    section_path: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class SentenceRecord:
    row: int
    doc_id: str
    start: int
    end: int
    text: str


def write_catalog(
    path: Path,
    documents: Iterable[Document],
    chunks: list[Chunk],
    sentences: list[tuple[str, Span]],
) -> None:
    """Write a new catalog; rows are the list positions of ``chunks`` and ``sentences``."""
    db = sqlite3.connect(str(path))
    try:
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    d.doc_id,
                    d.domain,
                    d.title,
                    d.text,
                    d.content_hash,
                    json.dumps(d.metadata),
                    json.dumps([[s.start, s.end, list(s.path)] for s in d.sections]),
                )
                for d in documents
            ],
        )
        db.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
            [(i, c.chunk_id, c.doc_id, c.start, c.end, json.dumps(list(c.section_path))) for i, c in enumerate(chunks)],
        )
        db.executemany(
            "INSERT INTO sentences VALUES (?, ?, ?, ?)",
            [(i, doc_id, s.start, s.end) for i, (doc_id, s) in enumerate(sentences)],
        )
        db.commit()
    finally:
        db.close()


class Catalog:
    """Read-only view of one version's catalog; document texts are held in memory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        db = self._db()
        self._docs: dict[str, tuple[str, str, str, dict[str, str]]] = {}
        for doc_id, domain, title, text, metadata in db.execute(
            "SELECT doc_id, domain, title, text, metadata FROM documents"
        ):
            self._docs[doc_id] = (domain, title, text, json.loads(metadata))
        self._chunks = [
            (chunk_id, doc_id, start, end, tuple(json.loads(section)))
            for chunk_id, doc_id, start, end, section in db.execute(
                "SELECT chunk_id, doc_id, start, end, section FROM chunks ORDER BY row"
            )
        ]
        self._sentence_rows: dict[str, list[tuple[int, int, int]]] | None = None
        self._sentence_starts: dict[str, list[int]] = {}
        self._sections: dict[str, tuple[Section, ...]] = {}
        # the sentences of a chunk, built once per chunk row: every query scores those of ~20 candidates
        self._sentences_in_row = lru_cache(maxsize=_SENTENCE_CACHE_CHUNKS)(self._find_sentences_in)
        self._rows_by_doc: dict[str, list[int]] = {}
        for row, chunk in enumerate(self._chunks):
            self._rows_by_doc.setdefault(chunk[1], []).append(row)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    @property
    def chunk_count(self) -> int:
        return len(self._chunks)

    @property
    def document_count(self) -> int:
        return len(self._docs)

    def doc_ids(self) -> list[str]:
        return sorted(self._docs)

    def chunk(self, row: int) -> ChunkRecord:
        chunk_id, doc_id, start, end, section = self._chunks[row]
        domain, title, text, _ = self._docs[doc_id]
        return ChunkRecord(row, chunk_id, doc_id, domain, title, start, end, section, text[start:end])

    def titles(self) -> dict[str, str]:
        return {doc_id: doc[1] for doc_id, doc in self._docs.items()}

    def rows_of(self, doc_id: str) -> list[int]:
        """The chunk rows of a document, in order (none for an unknown id)."""
        return list(self._rows_by_doc.get(doc_id, ()))

    def chunk_domains(self) -> list[str]:
        return [self._docs[doc_id][0] for _, doc_id, *_ in self._chunks]

    def chunk_ids(self) -> list[str]:
        return [c[0] for c in self._chunks]

    def document(self, doc_id: str) -> Document:
        if doc_id not in self._docs:
            raise DocumentNotFound(doc_id)
        domain, title, text, metadata = self._docs[doc_id]
        sections = self._sections.get(doc_id)
        if sections is None:  # read once per document: citations look documents up on every answer
            (sections_json,) = (
                self._db().execute("SELECT sections FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
            )
            sections = tuple(Section(s, e, tuple(p)) for s, e, p in json.loads(sections_json))
            self._sections[doc_id] = sections
        return Document(doc_id, domain, title, text, sections, metadata)

    def document_text(self, doc_id: str) -> str:
        """A document's text from memory (no database round trip: this runs per query)."""
        if doc_id not in self._docs:
            raise DocumentNotFound(doc_id)
        return self._docs[doc_id][2]

    def document_hashes(self) -> dict[str, str]:
        return dict(self._db().execute("SELECT doc_id, content_hash FROM documents"))

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks as they were built (for reuse when the document is unchanged)."""
        text = self._docs[doc_id][2]
        rows = (self._chunks[r] for r in self._rows_by_doc.get(doc_id, []))
        return [
            Chunk(chunk_id, doc_id, start, end, text[start:end], section) for chunk_id, _, start, end, section in rows
        ]

    def sentence_spans_of(self, doc_id: str) -> list[Span]:
        return [Span(start, end) for _, start, end in self._sentences_of(doc_id)]

    def sentences_in(self, chunk: ChunkRecord) -> list[SentenceRecord]:
        """Sentences that lie wholly inside ``chunk`` (an in-memory lookup: this runs per candidate)."""
        return list(self._sentences_in_row(chunk.row, chunk.doc_id, chunk.start, chunk.end))

    def _find_sentences_in(self, row: int, doc_id: str, start: int, end: int) -> tuple[SentenceRecord, ...]:
        text = self._docs[doc_id][2]
        rows = self._sentences_of(doc_id)
        first = bisect.bisect_left(self._sentence_starts.get(doc_id, []), start)
        found = []
        for sentence_row, s, e in islice(rows, first, None):
            if s >= end:  # sorted by start: no later sentence begins inside the chunk
                break
            if e <= end:
                found.append(SentenceRecord(sentence_row, doc_id, s, e, text[s:e]))
        return tuple(found)

    def rows_shared_by(self, documents: int) -> frozenset[int]:
        """Rows of the sentences whose exact text stands in at least ``documents`` documents (reads
        every sentence: about a second for 134,000)."""
        self._sentences_of("")  # loads all of them
        holders: dict[str, set[str]] = {}
        rows: dict[str, list[int]] = {}
        for doc_id, sentences in (self._sentence_rows or {}).items():
            text = self._docs[doc_id][2]
            for row, start, end in sentences:
                holders.setdefault(text[start:end], set()).add(doc_id)
                rows.setdefault(text[start:end], []).append(row)
        return frozenset(row for sentence, docs in holders.items() if len(docs) >= documents for row in rows[sentence])

    def _sentences_of(self, doc_id: str) -> list[tuple[int, int, int]]:
        """``(row, start, end)`` of a document's sentences by start; loaded once for all documents."""
        if self._sentence_rows is None:
            grouped: dict[str, list[tuple[int, int, int]]] = {}
            for row, d, start, end in self._db().execute("SELECT row, doc_id, start, end FROM sentences ORDER BY row"):
                grouped.setdefault(d, []).append((row, start, end))
            for d, rows in grouped.items():
                rows.sort(key=lambda r: r[1])
                self._sentence_starts[d] = [start for _, start, _ in rows]
            self._sentence_rows = grouped
        return self._sentence_rows.get(doc_id, [])
