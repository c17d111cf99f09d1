"""DOCX -> Markdown-like text with python-docx: heading styles become sections."""

from __future__ import annotations

import io
import zipfile

from ingest.loaders import SkipFile


def docx_markdown(raw: bytes) -> str:
    from docx import Document as open_docx

    try:
        document = open_docx(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SkipFile(f"corrupt or unreadable DOCX: {exc}") from exc
    lines = []
    for paragraph in document.paragraphs:
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        style = (paragraph.style.name or "") if paragraph.style is not None else ""
        if style == "Title":
            lines.append(f"# {text}")
        elif style.startswith("Heading") and style[7:].strip().isdigit():
            lines.append("#" * min(6, int(style[7:]) + 1) + " " + text)
        elif style.startswith("List"):
            lines.append(f"- {text}")
        else:
            lines.append(text)
    return "\n\n".join(lines) + "\n"
