from ragcore.chunking import Chunker
from ragcore.documents import Document, normalise_text
from ragcore.sections import markdown_sections

TEXT = normalise_text(
    "# Asthma\n\nAsthma is a long-term disease of the airways.\n\n"
    "## Symptoms\n\n"
    + " ".join(f"Symptom sentence number {i} describes wheezing and coughing." for i in range(40))
    + "\n\n"
    "## Treatment\n\n### Inhalers\n\nInhaled steroids reduce swelling. Rescue inhalers act fast.\n"
)


def make_document() -> Document:
    return Document("healthcare/asthma.md", "healthcare", "Asthma", TEXT, markdown_sections(TEXT))


def test_chunk_offsets_round_trip_to_the_document_text():
    chunks = Chunker(lambda s: len(s.split()), max_tokens=60, overlap_tokens=10).split(make_document())
    assert len(chunks) > 3
    for chunk in chunks:
        assert TEXT[chunk.start : chunk.end] == chunk.text
        assert len(chunk.text.split()) <= 60


def test_chunks_keep_section_paths_and_never_cross_sections():
    doc = make_document()
    chunks = Chunker(lambda s: len(s.split()), max_tokens=60, overlap_tokens=10).split(doc)
    assert {c.section_path for c in chunks} == {(), ("Symptoms",), ("Treatment", "Inhalers")}
    for chunk in chunks:
        section = doc.section_at(chunk.start)
        assert section is not None and chunk.end <= section.end
        assert "#" not in chunk.text


def test_chunks_fit_the_real_models_word_piece_limit(embedder):
    chunks = Chunker(embedder.count_tokens, max_tokens=200, overlap_tokens=40).split(make_document())
    assert all(embedder.count_tokens(c.text) <= 200 for c in chunks)
    assert all(TEXT[c.start : c.end] == c.text for c in chunks)


def test_chunk_ids_depend_on_content_and_position_only():
    a = Chunker(lambda s: len(s.split()), max_tokens=60, overlap_tokens=10).split(make_document())
    b = Chunker(lambda s: len(s.split()), max_tokens=60, overlap_tokens=10).split(make_document())
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    assert len({c.chunk_id for c in a}) == len(a)


def test_legal_numbering_opens_sections_in_plain_text(tmp_path):
    from ingest.loaders import load_corpus

    statute = (
        "§ 164.502 Uses and disclosures of protected health information. General rules.\n\n"
        "(a) Standard. A covered entity may not use or disclose protected health information except as permitted.\n\n"
        "(1) Covered entities may disclose it to the individual.\n\n"
        "(b) Standard: Minimum necessary. A covered entity must limit the information to the minimum necessary.\n"
    )
    (tmp_path / "law").mkdir()
    (tmp_path / "law" / "164.502.txt").write_text(statute)
    (doc,) = load_corpus(tmp_path).documents
    paths = [s.path for s in doc.sections]
    assert paths == [
        ("§ 164.502 Uses and disclosures of protected health information",),
        ("§ 164.502 Uses and disclosures of protected health information", "(a) Standard"),
        ("§ 164.502 Uses and disclosures of protected health information", "(b) Standard: Minimum necessary"),
    ]
    chunks = Chunker(lambda s: len(s.split()), max_tokens=40, overlap_tokens=5).split(doc)
    minimum = [c for c in chunks if "minimum necessary" in c.text]
    assert minimum and minimum[0].section_path[-1] == "(b) Standard: Minimum necessary"
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)
