"""A question that names a provision by its citation is answered from that provision, or refused as
not in the sources — never as "outside what I cover", and never from an unrelated section.

The statute documents below are short paraphrases written for this test (titles in the shared
corpus's form); the rest is the bundled corpus's law documents and domains.yaml."""

from __future__ import annotations

import shutil

import pytest

from ragcore.conversations import SQLiteConversationStore
from ragcore.pipeline import build_pipeline
from ragcore.settings import Settings
from tests.conftest import CORPUS, ingest

STATUTES = {
    "law/uscode/title-42/12102.md": (
        "42 U.S.C. § 12102 — Definition of disability",
        "Text",
        "A disability is a physical or mental impairment that substantially limits one or more major life "
        "activities of a person, a record of such an impairment, or being regarded as having one. Major life "
        "activities include caring for oneself, seeing, hearing, eating, sleeping, walking, breathing, "
        "learning, reading, concentrating, thinking and working.",
    ),
    "law/cfr45/164.524.md": (
        "45 CFR § 164.524 — Access of individuals to protected health information",
        "(a) Standard: access to protected health information",
        "(a) An individual has a right of access to inspect and obtain a copy of their health information.\n\n"
        "## (b) Implementation specifications: requests for access and timely action\n\n"
        "(1) A covered entity may require individuals to make requests for access in writing.\n\n"
        "(2) A covered entity must act on a request for access no later than 30 days after receiving it. If it "
        "cannot act within that time, it may extend the time once, by no more than 30 days, if it tells the "
        "person in writing why and when it will act.",
    ),
    "law/uscode/title-42/12205.md": (
        "42 U.S.C. § 12205 — Attorney's fees",
        "Text",
        "In any action or administrative proceeding commenced pursuant to this chapter, the court or agency, in "
        "its discretion, may allow the prevailing party, other than the United States, a reasonable attorney's "
        "fee, including litigation expenses, and costs.",
    ),
    # another law's fees section, saying the same of its own lawsuits
    "education/uscode/title-20/1415.md": (
        "20 U.S.C. § 1415 — Procedural safeguards",
        "Award of attorneys' fees",
        "In any action or proceeding brought under this section, the court, in its discretion, may award "
        "reasonable attorneys' fees as part of the costs to a prevailing party who is the parent of a child "
        "with a disability. A party who wins the lawsuit may recover the fees paid to the lawyer.",
    ),
    "law/constitution/amendment-04.md": (
        "U.S. Constitution — Amendment 4 (Fourth Amendment): Search and Seizure",
        "Text",
        "People have a right to be secure in their persons, houses, papers and effects against unreasonable "
        "searches and seizures. Warrants may issue only on probable cause, supported by oath, and must "
        "describe the place to be searched and the persons or things to be seized.",
    ),
}


def _statute(title: str, heading: str, text: str) -> str:
    return f'---\ntitle: "{title}"\ndomain: law\n---\n\n# {title}\n\n## {heading}\n\n{text}\n'


@pytest.fixture(scope="module")
def statute_pipeline(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("statutes") / "corpus"
    shutil.copytree(CORPUS / "law", root / "law")
    for doc_id, parts in STATUTES.items():
        (root / doc_id).parent.mkdir(parents=True, exist_ok=True)
        (root / doc_id).write_text(_statute(*parts), encoding="utf-8")
    index_dir = root.parent / "index"
    ingest(root, index_dir, embedder)
    return build_pipeline(
        Settings(index_dir=index_dir), embedder=embedder, conversations=SQLiteConversationStore(":memory:")
    )


@pytest.mark.parametrize(
    ("question", "doc_id"),
    [
        ("What is 42 U.S.C. 12102?", "law/uscode/title-42/12102.md"),
        (
            "How long does a clinic have to answer my records request under 45 C.F.R. 164.524(b)?",
            "law/cfr45/164.524.md",
        ),
        ("What does the 4th Amendment say?", "law/constitution/amendment-04.md"),
    ],
)
def test_a_cited_provision_is_the_first_source(statute_pipeline, question, doc_id):
    result = statute_pipeline.chat(question)
    assert result.refusal is None, result.refusal
    assert result.citations[0].doc_id == doc_id
    assert result.domain == "law"


def test_a_provision_the_sources_only_mention_is_answered_from_the_page_that_cites_it(pipeline):
    result = pipeline.chat("What does 42 U.S.C. 3604 prohibit?")  # the bundled corpus: its fair-housing page cites it
    assert result.refusal is None, result.refusal
    assert "law/fair-housing-act.md" in {c.doc_id for c in result.citations}


def test_a_provision_the_sources_do_not_hold_is_not_in_them_rather_than_off_topic(statute_pipeline):
    result = statute_pipeline.chat("What does 42 U.S.C. 99999 say?")
    assert result.refusal is not None and result.refusal.reason == "insufficient_evidence"
    assert result.citations == []


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        ("What is 45 CFR 164.524?", "(a) An individual has a right of access"),
        ("What does 45 C.F.R. 164.524(b)(2) say?", "(2) A covered entity must act on a request"),
        ("what does 42 USC 12102 say", "A disability is a physical or mental impairment"),
    ],
)
def test_asking_what_a_provision_says_quotes_its_text_from_the_start(statute_pipeline, question, opening):
    result = statute_pipeline.chat(question)
    assert result.refusal is None, result.refusal
    assert result.citations[0].quote.startswith(opening)
    starts = [c.char_start for c in result.citations]
    assert starts == sorted(starts) and len({c.doc_id for c in result.citations}) == 1  # in the text's own order


def test_a_question_that_names_a_law_is_answered_from_that_law_before_another(statute_pipeline):
    question = "Under the ADA, can the court make the other side pay my attorney's fees if I win?"
    result = statute_pipeline.chat(question)
    assert result.refusal is None, result.refusal
    cited = {c.doc_id for c in result.citations}
    assert "law/uscode/title-42/12205.md" in cited and "education/uscode/title-20/1415.md" not in cited
    ranked = [hit.record.doc_id for hit in statute_pipeline.search(question, k=5)]
    assert ranked[0] == "law/uscode/title-42/12205.md"  # the other law's section, closer in words, comes after
