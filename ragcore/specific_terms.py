"""Names, places and years a question is specifically about, and whether the evidence mentions them.

The commonest in-domain question a reference corpus cannot answer asks about one particular
thing: a state's own rule ("... in Massachusetts"), a named provider, insurer, school or product
("through Lofta", "Princeton's honor code"), or a recent year's figure. Retrieval still finds
passages on the general topic — similar enough to pass any similarity threshold — but none of
them names the thing asked about. The evidence gate uses that as one feature (``unmatched``).

A specific term is a capitalised word that does not start a sentence (a proper name; all-capital
acronyms such as HIPAA or IEP are left out, because sources spell them out), a U.S. state name
in any case (people type "texas"), or a year. Matching against the evidence ignores case. The name
of a law ("the Civil Rights Act of 1991", "the Bill of Rights") is not one: a statute's sections
rarely repeat their law's popular name or year, and retrieval already prefers that law's sections
(``ragcore.law_names``).
"""

from __future__ import annotations

import re

from ragcore.law_names import without_law_names

_STATES = frozenset(
    """alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
    hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon
    pennsylvania tennessee texas utah vermont virginia washington wisconsin wyoming""".split()
)
_TWO_WORD_STATES = (
    "new hampshire",
    "new jersey",
    "new mexico",
    "new york",
    "north carolina",
    "north dakota",
    "south carolina",
    "south dakota",
    "rhode island",
    "west virginia",
)
# Capitalised by convention, not because they name something the sources must mention.
_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december""".split()
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*")
_YEAR = re.compile(r"(?:19|20)\d\d")
_SENTENCE_END = frozenset(".?!:;")


def specific_terms(question: str) -> set[str]:
    """The question's specific terms, lower-cased."""
    question = without_law_names(question)
    lowered = question.lower()
    found = {state for state in _TWO_WORD_STATES if re.search(rf"\b{state}\b", lowered)}
    inside_two_word_state = {part for state in found for part in state.split()}
    for match in _WORD.finditer(question):
        word = re.sub(r"['’]s$", "", match.group())
        lower = word.lower()
        if lower in inside_two_word_state:
            continue
        if lower in _STATES or _YEAR.fullmatch(word):
            found.add(lower)
        elif _is_proper_name(word) and not _starts_sentence(question, match.start()):
            found.add(lower)
    return found


def unmatched_terms(question: str, evidence_texts: list[str]) -> set[str]:
    """Specific terms of the question that none of the evidence texts mentions."""
    terms = specific_terms(question)
    if not terms:  # most questions: skip lower-casing whole documents
        return set()
    evidence = " ".join(dict.fromkeys(evidence_texts)).lower()  # a document's chunks share its text
    return {term for term in terms if term not in evidence}


def _is_proper_name(word: str) -> bool:
    return (
        word[0].isupper()
        and any(ch.islower() for ch in word.removesuffix("s"))  # not an acronym, nor its plural (IEPs)
        and "'" not in word
        and "’" not in word  # not a contraction such as I'll
        and word.lower() not in _CALENDAR
    )


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in _SENTENCE_END
