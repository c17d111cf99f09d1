"""Laws named the way people name them ("the ADA", "HIPAA's Privacy Rule", "Title VII", "FERPA"), and
which sections of the U.S. Code and of 45 CFR make them up.

A question that names a law is about that law: "Under the ADA, can the court make the store pay my
lawyer's fees?" matches the attorney's-fees sections of half a dozen civil-rights statutes almost
equally, and only the name says which. Retrieval ranks the sections of *other* laws lower for such a
question (``RetrievalSettings.other_law_penalty``) and the answer leaves them out while anything else
is left; pages that are not statute sections (guides, overviews) are of no law and keep their rank.
The table follows the Code's own organisation (the Office of the Law Revision Counsel's Popular Name
Table) for the federal civil-rights, disability, privacy, leave and education laws of the three
domains and HIPAA's rules in 45 CFR; a law missing from it simply gets no help.

>>> [law.name for law in named_laws("If I win my ADA lawsuit, who pays my lawyer?")]
['Americans with Disabilities Act']
>>> named_laws("Under the ADA, how many employees?")[0].holds("usc 42 12111")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SECTION = re.compile(r"(\d+)([a-z]*)")


@dataclass(frozen=True)
class Sections:
    """Sections ``first``..``last`` of one title by their leading number (a CFR section as
    ``part * 10000 + section``: 164.510 is 1640510); with ``family`` only those whose number is
    followed by exactly those letters (``2000a``, ``2000a-1`` … for 2000 and ``a``)."""

    kind: str  # "usc" or "cfr"
    title: int
    first: int
    last: int
    family: str | None = None

    def hold(self, kind: str, title: int, section: str) -> bool:
        if kind != self.kind or title != self.title:
            return False
        if kind == "cfr":
            part, _, number = section.partition(".")
            return number.isdigit() and self.first <= int(part) * 10000 + int(number) <= self.last
        leading = _SECTION.match(section)
        if leading is None or not self.first <= int(leading.group(1)) <= self.last:
            return False
        return self.family is None or leading.group(2) == self.family

    def inside(self, other: Sections) -> bool:
        return (
            (self.kind, self.title) == (other.kind, other.title)
            and other.first <= self.first <= self.last <= other.last
            and other.family in (None, self.family)
        )


@dataclass(frozen=True)
class Law:
    name: str
    pattern: re.Pattern[str]
    sections: tuple[Sections, ...]

    def holds(self, key: str) -> bool:
        """Whether a citation key (``usc 42 12111``, ``cfr 45 164.510``, ``amendment 4``) is part of the law."""
        parts = key.split()
        if len(parts) == 2 and parts[1].isdigit():  # amendment 4, article 1
            kind, title, section = parts[0], 0, parts[1]
        elif len(parts) == 3 and parts[1].isdigit():
            kind, title, section = parts[0], int(parts[1]), parts[2]
        else:
            return False
        return any(s.hold(kind, title, section) for s in self.sections)

    def within(self, other: Law) -> bool:
        return all(any(mine.inside(theirs) for theirs in other.sections) for mine in self.sections)


def _usc(title: int, first: int, last: int | None = None, family: str | None = None) -> Sections:
    return Sections("usc", title, first, first if last is None else last, family)


def _cfr(first: str, last: str) -> Sections:
    """45 CFR sections ``first``..``last`` ("164.500", "164.534")."""

    def number(section: str) -> int:
        part, _, rest = section.partition(".")
        return int(part) * 10000 + int(rest)

    return Sections("cfr", 45, number(first), number(last))


def _cra_title(numeral: str, family: str) -> tuple[str, str, tuple[Sections, ...]]:
    """A title of the Civil Rights Act of 1964 that other laws number too (the ADA's Title II, the
    Higher Education Act's Title IV): named only beside the Act's own name, in one sentence."""
    title = rf"(?i:\btitle {numeral}\b)"
    return (  # the named groups are the name's words, without what the sentence says between them
        f"Civil Rights Act of 1964, Title {numeral}",
        rf"(?P<title>{title})[^.?!]*(?P<act>{_CRA_1964})|(?P<act_first>{_CRA_1964})[^.?!]*(?P<title_after>{title})",
        (_usc(42, 2000, family=family),),
    )


# Acronyms match in capitals only ("Ada", "idea" are words); names in any case.
_CRA_1964 = r"(?i:civil rights act(?: of 1964)?)"
_CRA_1964_TITLES = tuple(_usc(42, 2000, family=letter) for letter in "abcdegh")  # 2000ff is GINA
_LAW_TABLE: tuple[tuple[str, str, tuple[Sections, ...]], ...] = (
    ("HIPAA Privacy Rule", r"(?i:\bprivacy rules?\b)", (_cfr("164.500", "164.534"), _cfr("160.101", "160.105"))),
    ("HIPAA Security Rule", r"(?i:\bsecurity rules?\b)", (_cfr("164.302", "164.318"), _cfr("160.101", "160.105"))),
    ("HIPAA Breach Notification Rule", r"(?i:\bbreach notification rules?\b)", (_cfr("164.400", "164.414"),)),
    ("HIPAA Enforcement Rule", r"(?i:\benforcement rules?\b)", (_cfr("160.300", "160.552"),)),
    (
        "HIPAA",
        r"\bHIPAA\b|(?i:health insurance portability and accountability act)",
        (_usc(42, 1320, family="d"), _cfr("160.000", "164.9999")),
    ),
    ("Americans with Disabilities Act", r"\bADA\b|(?i:americans with disabilities act)", (_usc(42, 12101, 12213),)),
    ("Fair Housing Act", r"(?i:\bfair housing act\b)", (_usc(42, 3601, 3631),)),
    (
        "Genetic Information Nondiscrimination Act",
        r"\bGINA\b|(?i:genetic information nondiscrimination)",
        (_usc(42, 2000, family="ff"),),
    ),
    ("Civil Rights of Institutionalized Persons Act", r"\bCRIPA\b|(?i:institutionalized persons)", (_usc(42, 1997),)),
    _cra_title("II", "a"),
    ("Civil Rights Act of 1964", r"(?i:\bcivil rights act of 1964\b)", _CRA_1964_TITLES),
    _cra_title("III", "b"),
    _cra_title("IV", "c"),
    ("Civil Rights Act of 1964, Title VI", r"(?i:\btitle vi\b)", (_usc(42, 2000, family="d"),)),
    ("Civil Rights Act of 1964, Title VII", r"(?i:\btitle vii\b)", (_usc(42, 2000, family="e"),)),
    (
        "Age Discrimination in Employment Act",
        r"\bADEA\b|(?i:age discrimination in employment act)",
        (_usc(29, 621, 634),),
    ),
    ("Rehabilitation Act, Section 504", r"(?i:\bsection 504\b|rehabilitation act)", (_usc(29, 794),)),
    ("Family and Medical Leave Act", r"\bFMLA\b|(?i:family and medical leave act)", (_usc(29, 2601, 2654),)),
    (
        "Family Educational Rights and Privacy Act",
        r"\bFERPA\b|(?i:family educational rights and privacy act)",
        (_usc(20, 1232, family="g"),),
    ),
    (
        "Protection of Pupil Rights Amendment",
        r"\bPPRA\b|(?i:protection of pupil rights)",
        (_usc(20, 1232, family="h"),),
    ),
    ("General Education Provisions Act", r"\bGEPA\b|(?i:general education provisions act)", (_usc(20, 1221, 1234),)),
    (
        "Individuals with Disabilities Education Act",
        r"\bIDEA\b|(?i:individuals with disabilities education act)",
        (_usc(20, 1400, 1482),),
    ),
    ("Civil Rights Act of 1991", r"(?i:\bcivil rights act of 1991\b)", (_usc(42, 1981, family="a"),)),
    ("Title IX", r"(?i:\btitle ix\b)", (_usc(20, 1681, 1689),)),
    ("Bill of Rights", r"(?i:\bbill of rights\b)", (Sections("amendment", 0, 1, 10),)),
    (
        "Equal Educational Opportunities Act",
        r"\bEEOA\b|(?i:equal educational opportunities act)",
        (_usc(20, 1701, 1758),),
    ),
)
LAWS = tuple(Law(name, re.compile(pattern), sections) for name, pattern, sections in _LAW_TABLE)


def named_laws(question: str) -> list[Law]:
    """The laws ``question`` names; a narrower name hides the wider law it is part of ("the HIPAA
    Privacy Rule" is the Privacy Rule, not all of HIPAA)."""
    found = [law for law in LAWS if law.pattern.search(question)]
    return [law for law in found if not any(other is not law and other.within(law) for other in found)]


_NAME_YEAR = re.compile(r"\s*(?:of\s+)?(?:19|20)\d\d\b")


def without_law_names(text: str) -> str:
    """``text`` with the laws it names blanked out ("the Civil Rights Act of 1991" -> "the  "), their
    years included; offsets are kept. Of a name in two parts ("Title II … Civil Rights Act") only the
    parts are blanked."""
    for law in LAWS:
        for match in law.pattern.finditer(text):
            parts = [match.span(group) for group, found in match.groupdict().items() if found is not None]
            for start, end in parts or [match.span()]:
                year = _NAME_YEAR.match(text, end)
                end = year.end() if year else end
                text = text[:start] + " " * (end - start) + text[end:]
    return text
