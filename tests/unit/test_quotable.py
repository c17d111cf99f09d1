"""Which source sentences no answer may quote: a template's (the same words on many of the corpus's
pages) and one holding a reference mark."""

import sqlite3

from ragcore.catalog import Catalog, SentenceRecord, write_catalog
from ragcore.citations import may_quote, template_sentences
from ragcore.documents import Document
from ragcore.sentences import split_sentences

TEMPLATE = "You can use the medical dictionary to look up these terms."
INHERITED = "The trait passes from one parent to half of the children."


def catalog_of(texts: list[str], tmp_path) -> tuple[Catalog, dict[int, str]]:
    """The catalog of one page per text, and each sentence row's text."""
    documents = [Document(f"healthcare/page{i}.md", "healthcare", f"Page {i}", t, ()) for i, t in enumerate(texts)]
    sentences = [(d.doc_id, span) for d in documents for span in split_sentences(d.text)]
    write_catalog(tmp_path / "catalog.sqlite", documents, [], sentences)
    text_of = {d.doc_id: d.text for d in documents}
    with sqlite3.connect(tmp_path / "catalog.sqlite") as db:
        rows = {row: text_of[doc][start:end] for row, doc, start, end in db.execute("SELECT * FROM sentences")}
    return Catalog(tmp_path / "catalog.sqlite"), rows


def test_a_sentence_on_a_large_share_of_the_pages_is_a_template_and_one_on_a_few_is_not(tmp_path):
    # 400 pages: the template on all of them, the inheritance sentence on 19 (under 5% and under 20)
    texts = [f"Disease {i} affects the skin. {TEMPLATE}" + (f" {INHERITED}" if i < 19 else "") for i in range(400)]
    catalog, sentence_text = catalog_of(texts, tmp_path)
    templates = template_sentences(catalog)
    assert len(templates) == 400 and {sentence_text[row] for row in templates} == {TEMPLATE}


def test_a_corpus_of_fewer_than_twenty_pages_has_no_templates(tmp_path):
    catalog, _ = catalog_of([f"Topic {i} is covered here. {TEMPLATE}" for i in range(19)], tmp_path)
    assert template_sentences(catalog) == frozenset()


def test_a_sentence_holding_a_reference_mark_is_not_quoted_as_it_would_pass_for_a_citation():
    def sentence(text: str) -> SentenceRecord:
        return SentenceRecord(7, "healthcare/page.md", 0, len(text), text)

    assert not may_quote(sentence("It affects the long bones.[3] It is rare."), frozenset())
    assert may_quote(sentence("It affects the long bones (see section 3)."), frozenset())
    assert not may_quote(sentence("It affects the long bones."), frozenset({7}))  # a template's
