"""The bundled corpus and the development set are data the product depends on: check them."""

from collections import Counter

import pytest

from evals.datasets import load_dataset
from ingest.loaders import load_corpus, split_front_matter
from tests.conftest import CORPUS, PROJECT

DEV = PROJECT / "evals" / "datasets" / "dev.jsonl"


@pytest.fixture(scope="module")
def documents():
    report = load_corpus(CORPUS)
    assert not report.skipped, report.skipped
    return {d.doc_id: d for d in report.documents}


def test_corpus_has_twenty_documents_per_domain_of_500_to_1500_words(documents):
    assert Counter(d.domain for d in documents.values()) >= Counter(healthcare=20, law=20, education=20)
    for doc in documents.values():
        words = len(doc.text.split())
        assert 500 <= words <= 1600, (doc.doc_id, words)  # body words plus headings


def test_corpus_front_matter_is_complete():
    for path in CORPUS.rglob("*.md"):
        if path.name == "README.md":
            continue
        meta, _ = split_front_matter(path.read_text(encoding="utf-8"))
        missing = {"title", "domain", "source", "publisher", "license", "last_reviewed"} - set(meta)
        assert not missing, (path, missing)
        assert meta["domain"] == path.relative_to(CORPUS).parts[0]


def test_dev_set_gold_sources_and_sections_exist(documents):
    for item in load_dataset(DEV):
        for doc_id in item.gold_sources:
            assert doc_id in documents, (item.id, doc_id)
        headings = {h for d in item.gold_sources for s in documents[d].sections for h in s.path}
        for section in item.gold_sections:
            assert section in headings, (item.id, section)


def test_dev_set_has_the_required_mix():
    items = load_dataset(DEV)
    answerable = Counter(i.domain for i in items if not i.should_refuse and not i.history)
    assert all(answerable[d] >= 40 for d in ("healthcare", "law", "education")), answerable
    assert sum(i.refusal_reason == "out_of_scope" for i in items) >= 30
    assert sum(i.refusal_reason == "insufficient_evidence" for i in items) >= 60
    assert sum(bool(i.history) and not i.should_refuse for i in items) >= 20
    for item in items:
        assert item.should_refuse or item.gold_sources, item.id
