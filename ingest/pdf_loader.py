"""PDF -> text via pypdf's text layer, one ``## Page N`` section per page so citations can name it."""

from __future__ import annotations

import io

from ingest.loaders import SkipFile


def pdf_markdown(raw: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise SkipFile(f"corrupt or unreadable PDF: {exc}") from exc
    if not any(p.strip() for p in pages):
        raise SkipFile("PDF has no text layer (scanned images need OCR first)")
    parts = []
    for number, text in enumerate(pages, start=1):
        paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
        body = "\n\n".join(p for p in paragraphs if p)
        if body:
            parts.append(f"## Page {number}\n\n{body}")
    return "\n\n".join(parts) + "\n"
