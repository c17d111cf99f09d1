"""Load corpus files into :class:`~ragcore.documents.Document`, reporting what cannot be read.

A broken file never stops an ingest: it is skipped with a reason and the rest is ingested.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ragcore.documents import Document, Section, normalise_text
from ragcore.sections import legal_sections, markdown_sections
from ragcore.yaml_text import load_yaml

log = logging.getLogger(__name__)

SUPPORTED = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx")
IGNORED_NAMES = {"README.md", "domains.yaml", "LICENSE", ".DS_Store"}


@dataclass
class LoadReport:
    documents: list[Document] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)


class SkipFile(Exception):
    """This file cannot be ingested; the message says why."""


def discover(root: Path) -> list[Path]:
    """Files under ``root`` that are part of the corpus, in a stable order."""
    return sorted(
        p
        for p in root.rglob("*")
        if (p.is_file() or p.is_symlink())
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and not (p.parent == root and p.name in IGNORED_NAMES)
    )


def load_corpus(root: Path, *, max_file_bytes: int = 10_000_000) -> LoadReport:
    report = LoadReport()
    for path in discover(root):
        rel = path.relative_to(root).as_posix()
        try:
            document, warning = load_file(path, root, max_file_bytes=max_file_bytes)
        except SkipFile as exc:
            report.skipped.append((rel, str(exc)))
            log.warning("skipped %s: %s", rel, exc)
            continue
        if warning:
            report.warnings.append((rel, warning))
        report.documents.append(document)
    return report


def load_file(path: Path, root: Path, *, max_file_bytes: int) -> tuple[Document, str | None]:
    rel = path.relative_to(root).as_posix()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise SkipFile(f"unsupported file type {suffix or '(none)'}; expected one of {', '.join(SUPPORTED)}")
    try:
        size = path.stat().st_size
        if size > max_file_bytes:
            raise SkipFile(f"file is {size:,} bytes, over the {max_file_bytes:,}-byte limit")
        raw = path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise SkipFile("file is empty")
    if suffix == ".pdf":
        from ingest.pdf_loader import pdf_markdown

        body, meta, warning = pdf_markdown(raw), {}, None
    elif suffix == ".docx":
        from ingest.docx_loader import docx_markdown

        body, meta, warning = docx_markdown(raw), {}, None
    else:
        if b"\x00" in raw[:8192]:
            raise SkipFile("file looks binary (NUL bytes), not text")
        text, warning = _decode(raw)
        if suffix in (".html", ".htm"):
            from ingest.html_loader import html_markdown

            body, meta = html_markdown(text), {}
        elif suffix in (".md", ".markdown"):
            meta, body = split_front_matter(text)
        else:
            meta, body = {}, text
    return make_document(rel, body, meta), warning


def make_document(doc_id: str, body: str, meta: dict[str, str]) -> Document:
    text = normalise_text(body)
    if not text.strip():
        raise SkipFile("no text after removing markup")
    sections = markdown_sections(text)
    if all(not s.path for s in sections):  # no headings: try legal numbering, else one section
        sections = legal_sections(text) or (Section(0, len(text), ()),)
    domain = str(meta.get("domain") or doc_id.split("/")[0] if "/" in doc_id else meta.get("domain", "general"))
    title = str(meta.get("title") or _first_heading(text) or Path(doc_id).stem.replace("-", " ").replace("_", " "))
    metadata = {k: str(v) for k, v in meta.items() if k not in ("title", "domain") and v is not None}
    return Document(doc_id, domain, title, text, sections, metadata)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML front matter between leading ``---`` lines, and the body after it."""
    if not text.startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end < 0:
        return {}, text
    try:
        meta = load_yaml(text[3:end]) or {}
    except yaml.YAMLError as exc:
        raise SkipFile(f"front matter is not valid YAML: {exc.problem if hasattr(exc, 'problem') else exc}") from exc
    if not isinstance(meta, dict):
        raise SkipFile("front matter is not a mapping of keys to values")
    body_start = text.find("\n", end + 4)
    return meta, text[body_start + 1 :] if body_start >= 0 else ""


def _decode(raw: bytes) -> tuple[str, str | None]:
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "not valid UTF-8; decoded as Windows-1252"


def _first_heading(text: str) -> str | None:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None
