from ragcore.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def test_sentences_keep_abbreviations_and_citations_whole():
    text = "Under U.S. federal law, employers must pay overtime. The FLSA (29 U.S.C. § 207) sets it. Dr. Lee agreed with that view.\n"
    assert texts(text) == [
        "Under U.S. federal law, employers must pay overtime.",
        "The FLSA (29 U.S.C. § 207) sets it.",
        "Dr. Lee agreed with that view.",
    ]


def test_headings_are_not_sentences_and_list_markers_are_stripped():
    text = (
        "# Title here\n\n## Treatment options\n\n- Inhaled steroids reduce swelling in the airways.\n"
        "1. Rescue inhalers relax the airway muscles quickly.\n"
    )
    assert texts(text) == [
        "Inhaled steroids reduce swelling in the airways.",
        "Rescue inhalers relax the airway muscles quickly.",
    ]


def test_every_span_indexes_the_original_text():
    text = (
        "First paragraph sentence one is here. Sentence two follows it!\n\n"
        "Another paragraph asks a question? Yes it does.\n"
    )
    for span in split_sentences(text):
        assert text[span.start : span.end].strip() == text[span.start : span.end]
        assert span.start < span.end


def test_sentences_never_cross_paragraphs():
    text = "A paragraph without a final stop\n\nNext paragraph starts here with words.\n"
    assert texts(text) == ["A paragraph without a final stop", "Next paragraph starts here with words."]
