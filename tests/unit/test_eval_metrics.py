"""Evaluation metrics on hand-built cases."""

import pytest

from evals.datasets import EvalItem
from evals.gates import check_gates
from evals.metrics import answer_sentences, faithfulness, item_scores, refusal_metrics, summarise, token_f1

ITEM = EvalItem(
    "x1",
    "How is asthma treated?",
    gold_sources=["healthcare/asthma.md"],
    gold_sections=["Treatment and inhalers"],
    reference_answer="Asthma is treated with inhalers.",
)
TEXT = "Intro. Inhalers treat asthma. Steroids reduce swelling."
CITATIONS = [
    {
        "n": 1,
        "doc_id": "healthcare/asthma.md",
        "quote": "Inhalers treat asthma.",
        "char_start": 7,
        "char_end": 29,
        "section": "Treatment and inhalers",
    },
    {
        "n": 2,
        "doc_id": "healthcare/covid-19.md",
        "quote": "Steroids reduce swelling.",
        "char_start": 30,
        "char_end": 55,
        "section": "Treatment",
    },
]


def result(answer, citations, refusal=None):
    return {"answer": answer, "citations": citations, "refusal": refusal}


def test_token_f1():
    assert token_f1("inhalers treat asthma", "asthma is treated with inhalers") == pytest.approx(
        2 * (2 / 3) * (2 / 5) / (2 / 3 + 2 / 5)
    )
    assert token_f1("", "anything") == 0.0


def test_answer_sentences_and_faithfulness():
    answer = "Inhalers treat asthma. [1] Steroids reduce swelling. [2]"
    assert answer_sentences(answer) == [("Inhalers treat asthma.", [1]), ("Steroids reduce swelling.", [2])]
    assert faithfulness(answer, CITATIONS) == 1.0
    assert faithfulness("Inhalers cure asthma forever. [1] Steroids reduce swelling. [2]", CITATIONS) == 0.5
    assert faithfulness("No citation marks at all.", CITATIONS) is None


def test_a_quote_that_spans_list_lines_is_one_answer_sentence():
    quote = "Treatment may include:\n- Surgery.\n- Radiation therapy."
    answer = f"{quote} [1] Steroids reduce swelling. [2]"
    assert answer_sentences(answer) == [(quote, [1]), ("Steroids reduce swelling.", [2])]
    assert faithfulness(answer, [{"n": 1, "quote": quote}, CITATIONS[1]]) == 1.0


def test_an_answer_quoting_what_the_conversation_already_heard_is_a_repeat():
    texts = {"healthcare/asthma.md": TEXT, "healthcare/covid-19.md": TEXT}
    answer = result("Inhalers treat asthma. [1] Steroids reduce swelling. [2]", CITATIONS)
    assert item_scores(ITEM, answer, texts, [], heard={("healthcare/asthma.md", 7)})["repeats_earlier_quote"]
    assert not item_scores(ITEM, answer, texts, [], heard={("healthcare/asthma.md", 0)})["repeats_earlier_quote"]
    assert item_scores(ITEM, answer, texts, [])["repeats_earlier_quote"] is None  # nothing heard before


def test_citation_precision_recall_sections_and_quote_validity():
    texts = {"healthcare/asthma.md": TEXT, "healthcare/covid-19.md": TEXT}
    scores = item_scores(
        ITEM,
        result("Inhalers treat asthma. [1] Steroids reduce swelling. [2]", CITATIONS),
        texts,
        ["healthcare/covid-19.md", "healthcare/asthma.md"],
    )
    assert scores["citation_precision"] == 0.5 and scores["citation_recall"] == 1.0
    assert scores["gold_cited"] and scores["section_hit"] and scores["quotes_valid"]
    assert scores["recall@5"] == 1.0 and scores["mrr"] == 0.5
    broken = [dict(CITATIONS[0], char_start=0, char_end=22)]
    assert not item_scores(ITEM, result("x [1]", broken), texts, [])["quotes_valid"]


def test_refusal_precision_recall_per_reason():
    def row(expected, got):
        return {
            "should_refuse": expected is not None,
            "refusal_reason": expected,
            "scores": {"refused": got is not None, "refusal_reason": got},
        }

    rows = [
        row("out_of_scope", "out_of_scope"),
        row("out_of_scope", "insufficient_evidence"),
        row(None, "out_of_scope"),
        row(None, None),
        row("insufficient_evidence", None),
    ]
    metrics = refusal_metrics(rows)
    assert metrics["out_of_scope"]["precision"] == 0.5 and metrics["out_of_scope"]["recall"] == 0.5
    assert metrics["any"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert metrics["any"]["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert metrics["insufficient_evidence"]["recall"] == 0.0


def test_summary_rates_and_gates():
    rows = [
        {
            "should_refuse": False,
            "refusal_reason": None,
            "has_history": False,
            "latency_ms": 10.0,
            "timings_ms": {},
            "domain": "law",
            "scores": {
                "refused": True,
                "refusal_reason": "insufficient_evidence",
                "refusal_correct": False,
                "gold_cited": False,
                "quotes_valid": True,
                "citations_on_refusal": False,
            },
        },
        {
            "should_refuse": False,
            "refusal_reason": None,
            "has_history": True,
            "latency_ms": 30.0,
            "timings_ms": {},
            "domain": "law",
            "scores": {
                "refused": False,
                "refusal_reason": None,
                "refusal_correct": False,
                "gold_cited": True,
                "quotes_valid": True,
                "citations_on_refusal": False,
            },
        },
    ]
    summary = summarise(rows)
    assert summary["false_refusal_rate"] == 0.5 and summary["gold_cited_rate_answered"] == 1.0
    assert summary["followup_gold_cited_rate"] == 1.0 and summary["latency_ms"]["total"]["max"] == 30.0
    metrics = {"overall": summary}
    assert check_gates(metrics, {"overall": {"false_refusal_rate": {"max": 0.6}}}) == []
    failures = check_gates(metrics, {"overall": {"false_refusal_rate": {"max": 0.1}, "nonexistent": {"min": 1}}})
    assert failures == ["overall.false_refusal_rate = 0.5 is above the gate 0.1", "overall.nonexistent is missing"]


def test_dataset_lines_may_hold_unicode_line_separators(tmp_path):
    import json

    from evals.datasets import load_dataset

    item = {
        "id": "a",
        "question": "Is it\u2028safe?",
        "history": [],
        "domain": "healthcare",
        "should_refuse": False,
        "refusal_reason": None,
        "gold_sources": ["x.md"],
        "gold_sections": [],
        "reference_answer": "Yes\u2029no.",
    }
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    (loaded,) = load_dataset(path)
    assert loaded.question == "Is it\u2028safe?"
