"""Documents as Docent holds them: normalised text, sections and sentences with char offsets.

Every offset in Docent (sections, chunks, sentences, citations) indexes ``Document.text``, the
normalised text that ``GET /v1/documents/{doc_id}`` returns, so any client can check a quote.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` of a document's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Section(Span):
    """A titled part of a document; ``path`` is the heading trail (``("Treatment",)``)."""

    path: tuple[str, ...]

    @property
    def heading(self) -> str:
        return self.path[-1] if self.path else ""


@dataclass(frozen=True)
class Document:
    """A loaded corpus document.

    ``doc_id`` is the path relative to the corpus root with ``/`` separators.
    """

    doc_id: str
    domain: str
    title: str
    text: str
    sections: tuple[Section, ...]
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return text_hash(self.title + "\x00" + self.domain + "\x00" + self.text)

    def section_at(self, offset: int) -> Section | None:
        """The innermost section that contains ``offset``."""
        found = None
        for section in self.sections:
            if section.start <= offset < section.end:
                found = section
        return found


def normalise_text(text: str) -> str:
    """Unicode NFC, LF newlines, no trailing spaces, no runs of blank lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + ("\n" if out else "")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
