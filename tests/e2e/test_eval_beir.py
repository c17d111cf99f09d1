"""`docent eval beir` end to end on a tiny BEIR folder built here."""

import json
import subprocess
import sys


def test_eval_beir_on_a_tiny_folder(tmp_path):
    folder = tmp_path / "tiny"
    (folder / "qrels").mkdir(parents=True)
    docs = {
        "d1": ("Asthma inhalers", "Inhaled corticosteroids reduce airway inflammation in asthma."),
        "d2": ("Tenant deposits", "Landlords must return security deposits within a deadline set by state law."),
        "d3": ("Student aid", "The FAFSA determines eligibility for Pell Grants and federal student loans."),
        "d4": ("Sleep", "Adults need seven or more hours of sleep each night for good health."),
    }
    (folder / "corpus.jsonl").write_text(
        "".join(json.dumps({"_id": i, "title": t, "text": x}) + "\n" for i, (t, x) in docs.items())
    )
    queries = {
        "q1": "which inhaler medicine calms inflamed airways",
        "q2": "when do I get my deposit back",
        "q3": "how do I qualify for a Pell Grant",
    }
    (folder / "queries.jsonl").write_text("".join(json.dumps({"_id": q, "text": t}) + "\n" for q, t in queries.items()))
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t2\n")

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "docent",
            "eval",
            "beir",
            str(folder),
            "--work",
            str(tmp_path / "work"),
            "--configs",
            "dense,bm25,fused,fused+rerank",
            "--out",
            str(tmp_path / "out.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads((tmp_path / "out.json").read_text())
    assert result["queries"] == 3 and result["documents"] == 4 and result["seconds"] > 0
    for name in ("dense", "fused", "fused+rerank"):
        assert result["configs"][name]["ndcg@10"] == 1.0, result["configs"]
        assert result["configs"][name]["recall@100"] == 1.0
    assert 0 < result["configs"]["bm25"]["mrr@10"] <= 1.0
