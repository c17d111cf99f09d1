"""Chunks: token-bounded pieces of one section, each keeping its section path and offsets.

Splitting uses LangChain's ``RecursiveCharacterTextSplitter`` measured in the embedding model's
own word pieces, so no chunk is truncated by the model (all-MiniLM-L6-v2 reads 256 at most).
A chunk never crosses a section, hence never a document.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from ragcore.documents import Document, Section, text_hash

CHUNKER_VERSION = "sections-recursive-v1"
_SEPARATORS = ["\n\n", "\n", ". ", "; ", ", ", " ", ""]


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of a document; ``text == document.text[start:end]``."""

    chunk_id: str
    doc_id: str
    start: int
    end: int
    text: str
    section_path: tuple[str, ...]

    def embedding_text(self, title: str) -> str:
        """What the embedder reads: title and section give a short chunk its topic."""
        heading = " > ".join((title, *self.section_path))
        return f"{heading}\n{self.text}"


class Chunker:
    """Splits documents into chunks of at most ``max_tokens`` word pieces.

    >>> chunker = Chunker(count_tokens=lambda s: len(s.split()), max_tokens=50, overlap_tokens=10)
    """

    version = CHUNKER_VERSION

    def __init__(self, count_tokens: Callable[[str], int], *, max_tokens: int, overlap_tokens: int) -> None:
        self.max_tokens = max_tokens
        self.overlap_tokens = overlap_tokens
        self._splitter = RecursiveCharacterTextSplitter(
            separators=_SEPARATORS,
            keep_separator="end",
            chunk_size=max_tokens,
            chunk_overlap=overlap_tokens,
            # the splitter counts the same pieces again while it merges them; a memo halves segmenting
            length_function=functools.lru_cache(maxsize=1 << 16)(count_tokens),
            add_start_index=True,
            strip_whitespace=True,
        )

    @property
    def params(self) -> dict[str, object]:
        return {"version": self.version, "max_tokens": self.max_tokens, "overlap_tokens": self.overlap_tokens}

    def split(self, document: Document) -> list[Chunk]:
        chunks: list[Chunk] = []
        for section in document.sections:
            chunks.extend(self._split_section(document, section))
        return chunks

    def _split_section(self, document: Document, section: Section) -> list[Chunk]:
        body_start = _body_start(document.text, section)
        body = document.text[body_start : section.end]
        if not body.strip():
            return []
        chunks = []
        for piece in self._splitter.create_documents([body]):
            start = body_start + piece.metadata["start_index"]
            end = start + len(piece.page_content)
            if document.text[start:end] != piece.page_content:  # splitter lost the offset
                found = document.text.find(piece.page_content, body_start, section.end)
                if found < 0:
                    continue
                start, end = found, found + len(piece.page_content)
            chunk_id = text_hash(f"{document.doc_id}\x00{start}\x00{document.text[start:end]}")[:24]
            chunks.append(Chunk(chunk_id, document.doc_id, start, end, document.text[start:end], section.path))
        return chunks


def _body_start(text: str, section: Section) -> int:
    """Skip the section's own heading line (the path already carries it)."""
    if text.startswith("#", section.start):
        newline = text.find("\n", section.start, section.end)
        return section.end if newline < 0 else newline + 1
    return section.start
