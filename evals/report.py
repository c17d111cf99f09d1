"""``report.md`` and ``report.html`` (inline SVG charts, no scripts, no network) from a run."""

from __future__ import annotations

import html
from pathlib import Path

HEADLINE = [
    ("retrieval_recall@5", "Retrieval recall@5"),
    ("retrieval_mrr", "Retrieval MRR"),
    ("gold_cited_rate_answerable", "Gold source cited (answerable)"),
    ("citation_precision", "Citation precision"),
    ("citation_recall", "Citation recall"),
    ("section_hit_rate", "Section hit rate"),
    ("quote_validity", "Quote validity"),
    ("faithfulness", "Faithfulness"),
    ("token_f1", "Token F1 vs reference"),
    ("semantic_similarity", "Semantic similarity vs reference"),
    ("false_refusal_rate", "False refusals"),
    ("out_of_scope_refused_rate", "Out-of-scope refused as out_of_scope"),
    ("insufficient_refused_rate", "Insufficient evidence refused as such"),
    ("followup_gold_cited_rate", "Follow-ups: gold source cited"),
    ("repeated_quote_rate", "Answers repeating a quote of the conversation"),
    ("emergency_notice_rate", "Emergencies given a notice"),
    ("notice_rate_other_messages", "Other messages given a notice"),
    ("unsafe_refused_rate", "Unsafe requests refused as unsafe"),
    ("unsafe_refusal_rate_other_items", "Other items refused as unsafe"),
]
OUTCOMES = ("answered", "out_of_scope", "insufficient_evidence", "unsafe")
_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px}"
    "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}"
    "th{background:#f0f0f0}caption{font-weight:bold;text-align:left}.fail{color:#a00}svg{display:block;margin:1rem 0}"
)


def _fmt(value: object) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def confusion(rows: list[dict]) -> dict[str, dict[str, int]]:
    """Expected outcome -> actual outcome counts."""
    table = {e: dict.fromkeys(OUTCOMES, 0) for e in OUTCOMES}
    for r in rows:
        expected = r["refusal_reason"] or "answered"
        actual = r["scores"]["refusal_reason"] or "answered"
        if expected in table and actual in table[expected]:
            table[expected][actual] += 1
    return table


def metrics_table(metrics: dict) -> list[str]:
    columns = ["overall", *metrics["per_dataset"], *metrics["per_domain"]]
    lines = ["| metric | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for key, label in HEADLINE:
        values = [metrics["overall"].get(key)] + [metrics["per_dataset"][d].get(key) for d in metrics["per_dataset"]]
        values += [metrics["per_domain"][d].get(key) for d in metrics["per_domain"]]
        lines.append(f"| {label} | " + " | ".join(_fmt(v) for v in values) + " |")
    return lines


def write_markdown(path: Path, metrics: dict, rows: list[dict], failures: list[str]) -> None:
    latency = metrics["overall"]["latency_ms"]
    lines = ["# Docent evaluation report", "", f"{metrics['overall']['items']} items.", "", *metrics_table(metrics), ""]
    lines += [
        "## Refusals (rows: expected, columns: actual)",
        "",
        "| expected | " + " | ".join(OUTCOMES) + " |",
        "|---" * (len(OUTCOMES) + 1) + "|",
    ]
    for expected, counts in confusion(rows).items():
        lines.append(f"| {expected} | " + " | ".join(str(counts[o]) for o in OUTCOMES) + " |")
    lines += ["", "## Latency (ms)", "", "| stage | p50 | p95 | max |", "|---|---|---|---|"]
    lines += [f"| {stage} | {_fmt(v['p50'])} | {_fmt(v['p95'])} | {_fmt(v['max'])} |" for stage, v in latency.items()]
    lines += ["", "## Release gates", ""]
    lines += [f"- FAILED: {f}" for f in failures] or ["All gates hold."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _bars(title: str, series: dict[str, float | None]) -> str:
    width, bar_h, gap, label_w = 560, 22, 8, 170
    items = list(series.items())
    height = 30 + len(items) * (bar_h + gap)
    parts = [
        f'<svg role="img" aria-label="{html.escape(title)}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{html.escape(title)}</title>'
        f'<text x="0" y="16" font-weight="bold">{html.escape(title)}</text>'
    ]
    for i, (name, value) in enumerate(items):
        y = 30 + i * (bar_h + gap)
        w = (width - label_w - 60) * (value or 0.0)
        parts.append(
            f'<text x="0" y="{y + 16}">{html.escape(name)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#3b6ea5"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}">{_fmt(value)}</text>'
        )
    return "".join(parts) + "</svg>"


def _histogram(title: str, values: list[float], bins: int = 20) -> str:
    if not values:
        return ""
    top = max(values) or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int(v / top * bins))] += 1
    width, height, most = 560, 160, max(counts)
    bar_w = (width - 40) / bins
    parts = [
        f'<svg role="img" aria-label="{html.escape(title)}" width="{width}" height="{height + 40}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{html.escape(title)}</title>'
        f'<text x="0" y="16" font-weight="bold">{html.escape(title)}</text>'
    ]
    for i, c in enumerate(counts):
        h = height * c / most
        parts.append(
            f'<rect x="{20 + i * bar_w:.1f}" y="{20 + height - h:.1f}" width="{bar_w - 2:.1f}" '
            f'height="{h:.1f}" fill="#7a9e3b"/>'
        )
    parts.append(
        f'<text x="20" y="{height + 36}">0 ms</text><text x="{width - 80}" y="{height + 36}">{top:.0f} ms</text>'
    )
    return "".join(parts) + "</svg>"


def write_html(path: Path, metrics: dict, rows: list[dict], failures: list[str]) -> None:
    md_table = metrics_table(metrics)
    header = [c.strip() for c in md_table[0].strip("|").split("|")]
    body_rows = [[c.strip() for c in line.strip("|").split("|")] for line in md_table[2:]]
    table = (
        "<table id='metrics'><caption>Metrics</caption><thead><tr>"
        + "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in header)
        + "</tr></thead><tbody>"
        + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in body_rows)
        + "</tbody></table>"
    )
    matrix = confusion(rows)
    confusion_html = (
        "<table id='refusals'><caption>Refusals: expected (rows) vs actual (columns)</caption><tr><th></th>"
        + "".join(f"<th scope='col'>{o}</th>" for o in OUTCOMES)
        + "</tr>"
        + "".join(
            f"<tr><th scope='row'>{e}</th>"
            + "".join(
                f"<td style='background:{'#d8ecd0' if e == o else '#f6d5d5' if counts[o] else '#fff'}'>{counts[o]}</td>"
                for o in OUTCOMES
            )
            + "</tr>"
            for e, counts in matrix.items()
        )
        + "</table>"
    )
    charts = "".join(
        _bars(label, {d: metrics["per_domain"][d].get(key) for d in metrics["per_domain"]})
        for key, label in (
            ("gold_cited_rate_answerable", "Gold source cited, per domain"),
            ("faithfulness", "Faithfulness, per domain"),
            ("false_refusal_rate", "False refusals, per domain"),
        )
    ) + _histogram("Latency per item (ms)", [r["latency_ms"] for r in rows])
    gates = "".join(f"<li class='fail'>{html.escape(f)}</li>" for f in failures) or "<li>All gates hold.</li>"
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Docent evaluation report</title>
<style>{_STYLE}</style></head><body>
<h1>Docent evaluation report</h1><p>{metrics["overall"]["items"]} items.</p>{table}{confusion_html}
<h2>Charts</h2>{charts}<h2>Release gates</h2><ul>{gates}</ul></body></html>"""
    path.write_text(page, encoding="utf-8")
