"""Legal citations a question names ("42 U.S.C. § 12102", "45 CFR 164.508(b)", "section 1232g of
title 20", "the Fourth Amendment", "Article I, Section 8"), reduced to keys, so a question that
names a provision finds the document that *is* that provision.

Similarity alone does not: "What is 42 U.S.C. 12102?" is close to every definitions section and to
none in particular, and a citation is a number the embedding barely sees. Documents are matched by
their *title* ("42 U.S.C. § 12102 — Definition of disability", "45 CFR § 164.508 — …",
"U.S. Constitution — Amendment 4 (Fourth Amendment): …"): a title that is a citation names the
document; a citation inside a body is only a reference to somewhere else.

>>> sorted(citation_keys("Does 45 C.F.R. 164.508(b) need a signature? See also § 1232g."))
['cfr 45 164.508', 'section 1232g']
>>> sorted(citation_keys("What did the 14th Amendment change?"))
['amendment 14']
"""

from __future__ import annotations

import re

from ragcore.followups import topical_words

_SECTION = r"(\d+[a-z]*(?:-\d+[a-z]*)?)"  # 12102, 1232g, 2000e-1, 2000ff-5
_USC = re.compile(rf"\b(\d+)\s*u\.?\s?s\.?\s?c(?:ode|\.)?\s*a?\.?\s*(?:§§?|sec(?:tion|s)?\.?)?\s*{_SECTION}", re.I)
_CFR = re.compile(r"\b(\d+)\s*c\.?\s?f\.?\s?r\.?\s*(?:§§?|sec(?:tion|s)?\.?|part)?\s*(\d+\.\d+)", re.I)
_SECTION_OF_TITLE = re.compile(rf"\bsec(?:tion|\.)?\s*{_SECTION}\s*,?\s*of\s+title\s+(\d+)", re.I)
_TITLE_SECTION = re.compile(rf"\btitle\s+(\d+)\s*,?\s*(?:§§?|sec(?:tion|\.)?)\s*{_SECTION}", re.I)
# a bare section: after "§" any number; after "section" only one too long or dotted to be the
# everyday kind ("Section 504", "section 8 of Article I" name other things)
_BARE_SECTION = re.compile(
    r"§§?\s*(\d+[a-z]*(?:[-.]\d+[a-z]*)?)|\bsection\s+(\d{4,}[a-z]*(?:-\d+[a-z]*)?|\d+\.\d+)\b", re.I
)
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}
_ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
_ORDINAL_NUMBER = {word: n for n, word in enumerate(_ORDINALS, start=1)} | {
    f"twenty[- ]?{word}": 20 + n for n, word in enumerate(_ORDINALS[:9], start=1)
}
_AMENDMENT = re.compile(
    r"\b(?:(\d+)(?:st|nd|rd|th)|(" + "|".join(sorted(_ORDINAL_NUMBER, key=len, reverse=True)) + r"))\s+amendment"
    r"|\bamendment\s+(\d+|(?-i:[IVXL]+))\b",
    re.I,
)
# Roman numerals in capitals only: "an article i found online" is not Article I
_ARTICLE = re.compile(r"\barticle\s+(\d+|(?-i:[IVX]+))\b", re.I)
_PART_SECTION = re.compile(r"\s*,?\s*(?:section|sec\.|§)\s*(\d+)\b", re.I)  # "Article I, Section 8"
_SUBSECTIONS = re.compile(r"(?:\s*\([0-9a-zA-Z]{1,4}\))+")  # (b)(1)(A)
_SUBSECTION_MARK = re.compile(r"\([0-9a-zA-Z]{1,4}\)")
_ABOUT_A_PROVISION = frozenset(
    "say says said allow allows require requires requirement requirements provide provides cover covers "
    "state states mean means meaning define defines definition protect protects establish establishes "
    "explain summarize summary text contain contains section subsection paragraph clause title law rule "
    "regulation statute code amendment article constitution usc cfr show read quote give full whole entire "
    "exact wording exactly word".split()
)


def citation_keys(text: str) -> frozenset[str]:
    """The provisions ``text`` cites, as keys: ``usc 42 12102``, ``cfr 45 164.508``,
    ``section 1232g`` (a section without its title), ``amendment 14``, ``article 1``."""
    return frozenset(key for _, _, key in _citations(text))


def asks_for_the_provision_itself(question: str) -> bool:
    """Whether the question, its citations aside, says no more than "what does it say / require /
    mean": then the cited provision's own text is the answer, however little the words share with it.

    >>> asks_for_the_provision_itself("What does 20 U.S.C. 1232g(b) require?")
    True
    >>> asks_for_the_provision_itself("Does 42 U.S.C. 12102 cover seasonal allergies?")
    False
    """
    spans = _citations(question)
    if not spans:
        return False
    rest = list(question)
    for start, end, _ in spans:
        rest[start:end] = " " * (end - start)
    words = [w for w in topical_words("".join(rest)) if w not in _ABOUT_A_PROVISION]
    return not words


def cited_part(question: str) -> tuple[str, ...]:
    """The marks that lead to the part of a provision the question's first citation names, in the
    provision's own words: ``("(b)", "(2)")`` for "45 CFR 164.524(b)(2)", ``("Section 8",)`` for
    "Article I, Section 8"; empty for a whole provision.

    >>> cited_part("What does 45 C.F.R. 164.524(b)(2) say?")
    ('(b)', '(2)')
    """
    spans = sorted(_citations(question))
    if not spans:
        return ()
    start, end, key = spans[0]
    if key.startswith(("article ", "amendment ")):  # the Constitution's parts are headed "Section 8"
        section = _PART_SECTION.search(question, start, end)
        return (f"Section {int(section.group(1))}",) if section else ()
    return tuple(_SUBSECTION_MARK.findall(question[start:end]))


def _citations(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, key)`` of every citation in ``text``."""
    found: list[tuple[int, int, str]] = []
    rest = text
    for pattern, kind, title_first in (
        (_USC, "usc", True),
        (_CFR, "cfr", True),
        (_SECTION_OF_TITLE, "usc", False),
        (_TITLE_SECTION, "usc", True),
    ):
        for match in pattern.finditer(rest):
            title, section = match.groups() if title_first else reversed(match.groups())
            found.append((match.start(), _subsections_end(rest, match.end()), f"{kind} {int(title)} {section.lower()}"))
        rest = pattern.sub(lambda m: " " * len(m.group(0)), rest)  # not a bare section too; same offsets
    for match in _BARE_SECTION.finditer(rest):
        key = f"section {(match.group(1) or match.group(2)).lower()}"
        found.append((match.start(), _subsections_end(rest, match.end()), key))
    for match in _AMENDMENT.finditer(text):
        digits, word, after = match.groups()
        number = int(digits) if digits else _ordinal(word) if word else _number(after)
        if number:
            found.append((match.start(), _part_section_end(text, match.end()), f"amendment {number}"))
    for match in _ARTICLE.finditer(text):
        found.append((match.start(), _part_section_end(text, match.end()), f"article {_number(match.group(1))}"))
    return found


def _part_section_end(text: str, end: int) -> int:
    """Where a citation of the Constitution ends once its section ("Article I, Section 8") is included."""
    section = _PART_SECTION.match(text, end)
    return section.end() if section else end


def _subsections_end(text: str, end: int) -> int:
    """Where a citation ends once its subsection marks ("(b)(1)") are included."""
    more = _SUBSECTIONS.match(text, end)
    return more.end() if more else end


def _ordinal(word: str) -> int:
    folded = word.lower()
    return next((n for pattern, n in _ORDINAL_NUMBER.items() if re.fullmatch(pattern, folded)), 0)


def _number(token: str) -> int:
    """``"4"`` or a Roman numeral (``"IV"``) as an int."""
    if token.isdigit():
        return int(token)
    values = [_ROMAN[c] for c in token.lower()]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _title_keys(title: str) -> frozenset[str]:
    """The key of the citation a title starts with (later ones are references: "… secured by
    section 2000a", "Amendment 21: Amendment 18 Repealed"), plus ``section N`` for a statute or
    rule, so "§ 1232g" alone finds it too."""
    found = _citations(title)
    if not found:
        return frozenset()
    first = min(start for start, _, _ in found)
    return _with_bare_sections({key for start, _, key in found if start == first})


def mentions(keys: frozenset[str], text: str) -> bool:
    """Whether ``text`` cites one of the provisions ``keys`` names (a bare "§ 3604" matches a full
    "42 U.S.C. § 3604")."""
    return bool(_with_bare_sections(keys) & _with_bare_sections(citation_keys(text)))


def _with_bare_sections(keys: set[str] | frozenset[str]) -> frozenset[str]:
    return frozenset(keys) | {f"section {key.split()[2]}" for key in keys if key.startswith(("usc ", "cfr "))}


class CitedDocuments:
    """Which documents a question names by citation, from the documents' titles.

    >>> docs = CitedDocuments({"a.md": "42 U.S.C. § 12102 — Definition of disability", "b.md": "Tenants"})
    >>> docs.cited_by("what does 42 USC 12102 say about major life activities?")
    ['a.md']
    """

    def __init__(self, titles: dict[str, str]) -> None:
        self._by_key: dict[str, list[str]] = {}
        self._key_of: dict[str, str] = {}
        for doc_id, title in sorted(titles.items()):
            keys = _title_keys(title)
            for key in keys:
                self._by_key.setdefault(key, []).append(doc_id)
            full = sorted(key for key in keys if not key.startswith("section "))
            if full:
                self._key_of[doc_id] = full[0]

    def key_of(self, doc_id: str) -> str | None:
        """The citation a document's title starts with (``usc 42 12205``, ``amendment 4``), if any."""
        return self._key_of.get(doc_id)

    def cited_by(self, question: str) -> list[str]:
        """Ids of the documents whose title is a provision ``question`` cites (none for most questions)."""
        if not self._by_key:
            return []
        found = [doc_id for key in sorted(citation_keys(question)) for doc_id in self._by_key.get(key, ())]
        return list(dict.fromkeys(found))
