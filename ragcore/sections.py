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
