"""Legal citations in questions and titles reduce to the same keys, whatever way they are written."""

from __future__ import annotations

import pytest

from ragcore.legal_citations import CitedDocuments, asks_for_the_provision_itself, citation_keys, cited_part, mentions
from ragcore.provisions import part_offset

TITLES = {
    "law/uscode/title-42/12102.md": "42 U.S.C. § 12102 — Definition of disability",
    "law/uscode/title-42/2000a-2.md": "42 U.S.C. § 2000a-2 — Prohibition against interference with rights "
    "secured by section 2000a of this title",
    "law/cfr45/164.524.md": "45 CFR § 164.524 — Access of individuals to protected health information",
    "education/uscode/title-20/1232g.md": "20 U.S.C. § 1232g — Family educational and privacy rights",
    "law/constitution/amendment-04.md": "U.S. Constitution — Amendment 4 (Fourth Amendment): Search and Seizure",
    "law/constitution/amendment-21.md": "U.S. Constitution — Amendment 21 (Twenty-first Amendment): "
    "Amendment 18 Repealed",
    "law/constitution/article-01.md": "U.S. Constitution — Article I: The Legislative Branch",
    "law/tenant-rights-basics.md": "Tenant rights basics",
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is 42 U.S.C. 12102?", ["law/uscode/title-42/12102.md"]),
        ("does 42 USC §12102 include anxiety", ["law/uscode/title-42/12102.md"]),
        ("what counts as a disability under section 12102 of title 42", ["law/uscode/title-42/12102.md"]),
        ("How fast must they answer under 45 C.F.R. 164.524(b)(2)?", ["law/cfr45/164.524.md"]),
        ("45 CFR § 164.524", ["law/cfr45/164.524.md"]),
        ("what does § 1232g say about directory information", ["education/uscode/title-20/1232g.md"]),
        ("Does the 4th Amendment cover my car?", ["law/constitution/amendment-04.md"]),
        ("what does the fourth amendment protect", ["law/constitution/amendment-04.md"]),
        ("Amendment IV and phone records", ["law/constitution/amendment-04.md"]),
        ("When was the twenty-first amendment ratified?", ["law/constitution/amendment-21.md"]),
        ("What powers does Article I, Section 8 list?", ["law/constitution/article-01.md"]),
        # a citation in a title after the first is a reference, not the document's own number
        ("What does the 18th amendment say?", []),
        ("what does 42 U.S.C. 2000a forbid", []),
        # numbers that are not citations
        ("What does Section 504 require of schools?", []),
        ("Can my landlord keep my deposit after 30 days?", []),
        ("I read an article i found online about the amendment i mean to sign", []),
    ],
)
def test_a_question_finds_the_provision_it_cites(question, expected):
    assert CitedDocuments(TITLES).cited_by(question) == expected


def test_a_bare_section_is_not_taken_from_a_full_citation():
    assert citation_keys("42 U.S.C. 12102 and § 1232g") == {"usc 42 12102", "section 1232g"}


@pytest.mark.parametrize(
    ("question", "whole"),
    [
        ("What does 20 U.S.C. 1232g(b)(1) allow?", True),
        ("What is 42 U.S.C. 12102?", True),
        ("Explain the Fourth Amendment", True),
        ("Does 42 U.S.C. 12102 cover seasonal allergies?", False),
        ("What does 45 CFR 164.524 say about fees for copies?", False),
        ("Show me Article I, Section 8", True),
        ("give me the exact wording of 42 USC 12102", True),
        ("What does the law say?", False),  # no citation: nothing to hand over whole
    ],
)
def test_asking_only_what_a_provision_says(question, whole):
    assert asks_for_the_provision_itself(question) is whole


def test_a_text_mentions_a_provision_written_another_way():
    body = "Under the federal Fair Housing Act, 42 U.S.C. § 3604, a landlord may not refuse to rent because of race."
    assert mentions(citation_keys("what does § 3604 prohibit"), body)
    assert mentions(citation_keys("42 USC 3604"), body)
    assert not mentions(citation_keys("42 U.S.C. 3605"), body)


@pytest.mark.parametrize(
    ("question", "part"),
    [
        ("What does 45 C.F.R. 164.524(b)(2) say?", ("(b)", "(2)")),
        ("what does 20 USC 1232g(a)(1)(A) require", ("(a)", "(1)", "(A)")),
        ("What does Article I, Section 8 say?", ("Section 8",)),
        ("article I § 9", ("Section 9",)),
        ("What does the 14th Amendment, Section 5 say?", ("Section 5",)),
        ("What is 42 U.S.C. 12102?", ()),
        ("What does the Fourth Amendment say?", ()),
        ("What does the law say?", ()),
    ],
)
def test_the_part_of_a_provision_a_question_names(question, part):
    assert cited_part(question) == part


RULE = """# 45 CFR § 164.524 — Access

## (a) Standard: access

(a) Standard: access.

(1) Right of access. An individual may inspect their records.

(B) Exempt laboratories are not covered.

## (b) Implementation specifications

(1) Requests. A covered entity may require written requests.

(2) Timely action. A covered entity must act within 30 days.
"""


def test_a_named_part_is_found_in_the_provisions_own_text():
    assert part_offset(RULE, ()) == 0
    assert RULE[part_offset(RULE, ("(b)",)) :].startswith("## (b) Implementation")
    # "(2)" is looked for after "(b)", and "(b)" is not "(B)"
    assert RULE[part_offset(RULE, ("(b)", "(2)")) :].startswith("(2) Timely action")
    assert part_offset(RULE, ("(c)",)) is None
    assert part_offset("## Section 8 — Powers of Congress\n\nThe Congress shall have Power:", ("Section 8",)) == 0
    assert part_offset("## Section 18 — Other\n", ("Section 1",)) is None
