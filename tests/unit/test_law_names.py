"""Laws named the way people name them, and which sections belong to them."""

from __future__ import annotations

import pytest

from ragcore.law_names import named_laws


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("If I win my ADA lawsuit, who pays my lawyer?", ["Americans with Disabilities Act"]),
        ("does the americans with disabilities act cover websites", ["Americans with Disabilities Act"]),
        ("Under the HIPAA Privacy Rule, can a hospital tell my sister?", ["HIPAA Privacy Rule"]),
        ("what are HIPAA's penalties", ["HIPAA"]),
        ("Is that a Title VII claim?", ["Civil Rights Act of 1964, Title VII"]),
        ("Under Title II of the Civil Rights Act, can a hotel turn me away?", ["Civil Rights Act of 1964, Title II"]),
        ("Can my school share my grades under FERPA?", ["Family Educational Rights and Privacy Act"]),
        ("What does the Bill of Rights protect?", ["Bill of Rights"]),
        # words that are not names
        ("Ada Lovelace wrote the first program", []),
        ("I have an idea for my essay", []),
        ("Title IV student aid", []),  # the Higher Education Act's Title IV, not the Civil Rights Act's
    ],
)
def test_a_question_names_a_law(question, names):
    assert [law.name for law in named_laws(question)] == names


@pytest.mark.parametrize(
    ("question", "inside", "outside"),
    [
        ("under the ADA", ["usc 42 12111", "usc 42 12205a"], ["usc 42 1997e", "usc 20 1415", "cfr 45 164.510"]),
        ("the HIPAA Privacy Rule", ["cfr 45 164.510", "cfr 45 160.103"], ["cfr 45 164.304", "cfr 45 160.404"]),
        ("HIPAA", ["usc 42 1320d-5", "cfr 45 164.304", "cfr 45 162.925"], ["usc 42 1320", "usc 42 12102"]),
        ("Title II of the Civil Rights Act of 1964", ["usc 42 2000a-6"], ["usc 42 2000aa", "usc 42 12182"]),
        ("the Civil Rights Act of 1964", ["usc 42 2000e-5", "usc 42 2000h-3"], ["usc 42 2000ff-1"]),
        ("the Bill of Rights", ["amendment 1", "amendment 10"], ["amendment 14", "article 1"]),
    ],
)
def test_a_named_law_holds_its_own_sections_only(question, inside, outside):
    [law] = named_laws(question)
    assert all(law.holds(key) for key in inside)
    assert not any(law.holds(key) for key in outside)
