"""Sections of normalised text, from Markdown headings.

A section runs from its heading line to the next heading of any level, so sections never
overlap; its ``path`` is the heading trail below the document title (the ``#`` heading).
"""

from __future__ import annotations

import re

from ragcore.documents import Section

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def markdown_sections(text: str) -> tuple[Section, ...]:
    """Sections of Markdown ``text``; text before the first ``##`` forms an untitled section."""
    headings = [(len(m.group(1)), m.group(2).strip(), m.start()) for m in _HEADING.finditer(text)]
    sections: list[Section] = []
    first_sub = next((pos for level, _, pos in headings if level > 1), len(text))
    if text[:first_sub].strip():
        sections.append(Section(0, first_sub, ()))
    trail: list[tuple[int, str]] = []
    for i, (level, title, pos) in enumerate(headings):
        if level == 1:
            continue
        trail = [(lvl, t) for lvl, t in trail if lvl < level] + [(level, title)]
        end = headings[i + 1][2] if i + 1 < len(headings) else len(text)
        sections.append(Section(pos, end, tuple(t for _, t in trail)))
    return tuple(sections)


_LEGAL_TOP = re.compile(r"^(?:§{1,2}\s*\d[\w.\-]*|(?:Sec\.|Section|SECTION)\s+\d[\w.\-]*)[^\n]*", re.MULTILINE)
_LEGAL_SUB = re.compile(r"^\(([a-z]{1,2})\)(?=[\s(])[^\n]*", re.MULTILINE)


def legal_sections(text: str) -> tuple[Section, ...]:
    """Sections from legal numbering in plain text: ``§ 164.502 ...`` lines open a section,
    ``(a) ...`` paragraphs open a subsection under it; the numbered line stays in the body."""
    marks: list[tuple[int, int, str]] = []
    for m in _LEGAL_TOP.finditer(text):
        marks.append((m.start(), 1, _caption(m.group(0))))
    for m in _LEGAL_SUB.finditer(text):
        marks.append((m.start(), 2, _caption(m.group(0))))
    if not marks:
        return ()
    marks.sort()
    sections: list[Section] = []
    if text[: marks[0][0]].strip():
        sections.append(Section(0, marks[0][0], ()))
    top = ""
    for i, (pos, level, label) in enumerate(marks):
        top = label if level == 1 else top
        path = (label,) if level == 1 else tuple(p for p in (top, label) if p)
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        sections.append(Section(pos, end, path))
    return tuple(sections)


def _caption(line: str) -> str:
    """``(b) Standard: Minimum necessary. A covered entity ...`` -> ``(b) Standard: Minimum necessary``."""
    head = line.strip()
    stop = head.find(". ")
    head = head[:stop] if 0 < stop <= 80 else head[:80]
    return head.rstrip(" .;:")
