"""Sentence spans with character offsets, for quoting exact source sentences.

Units never cross a paragraph, list item, table row or heading; headings themselves are not
quotable. Sentence ends are ``.``, ``!`` or ``?`` followed by space and a capital, digit, quote
or bracket, unless the dot ends a known abbreviation (``U.S.``, ``e.g.``, ``Dr.``).
"""

from __future__ import annotations

import re

from ragcore.documents import Span

_ABBREVIATIONS = {
    "u.s",
    "e.g",
    "i.e",
    "etc",
    "dr",
    "mr",
    "mrs",
    "ms",
    "no",
    "vs",
    "v",
    "st",
    "jr",
    "sr",
    "inc",
    "co",
    "corp",
    "ltd",
    "u.s.c",
    "c.f.r",
    "cfr",
    "fed",
    "reg",
    "sec",
    "art",
    "p",
    "pp",
    "approx",
    "dept",
    "gov",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "fig",
    "ph.d",
    "m.d",
    "a.m",
    "p.m",
    "al",
    "ed",
    "vol",
    "ch",
    "para",
}
_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9§])")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s")
_TABLE_RULE = re.compile(r"^\s*\|?[\s:|-]+\|[\s:|-]*$")
_MIN_CHARS = 12


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence spans of ``text[start:end]``, as offsets into ``text``."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    for unit in _units(text, start, end):
        spans.extend(_split_unit(text, unit))
    return spans


def _units(text: str, start: int, end: int) -> list[Span]:
    """Paragraphs and list items/table rows/lone lines, with markers stripped."""
    units: list[Span] = []
    para_start: int | None = None
    para_end = start
    pos = start
    for line in text[start:end].split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        stripped = line.strip()
        is_block_line = bool(_LIST_MARKER.match(line) or stripped.startswith("|"))
        if not stripped or _HEADING.match(line) or is_block_line:
            if para_start is not None:
                units.append(Span(para_start, para_end))
                para_start = None
            if is_block_line and not _TABLE_RULE.match(line):
                marker = _LIST_MARKER.match(line)
                offset = marker.end() if marker else len(line) - len(line.lstrip())
                units.append(Span(line_start + offset, line_end))
            continue
        if para_start is None:
            para_start = line_start + len(line) - len(line.lstrip())
        para_end = line_end
    if para_start is not None:
        units.append(Span(para_start, para_end))
    return units


def _split_unit(text: str, unit: Span) -> list[Span]:
    spans: list[Span] = []
    cursor = unit.start
    chunk = text[unit.start : unit.end]
    for match in _END.finditer(chunk):
        stop = unit.start + match.end()
        if _ends_with_abbreviation(text, cursor, unit.start + match.start()):
            continue
        spans.append(Span(cursor, stop))
        cursor = _skip_space(text, stop, unit.end)
    if cursor < unit.end:
        spans.append(Span(cursor, unit.end))
    return [s for s in spans if len(text[s.start : s.end].strip()) >= _MIN_CHARS]


def _ends_with_abbreviation(text: str, sentence_start: int, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > sentence_start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lower().lstrip("(\"'“")
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos
