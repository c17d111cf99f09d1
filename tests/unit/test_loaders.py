from pathlib import Path

from ingest.loaders import load_corpus


def write(root: Path, rel: str, data: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


GOOD_MD = "---\ntitle: Asthma basics\nsource: https://example.org/asthma\n---\n\n# Asthma basics\n\n## Symptoms\n\nWheezing is a whistling sound when breathing out.\n"


def test_markdown_front_matter_sets_title_domain_and_metadata(tmp_path):
    write(tmp_path, "healthcare/asthma.md", GOOD_MD)
    report = load_corpus(tmp_path)
    (doc,) = report.documents
    assert (doc.doc_id, doc.domain, doc.title) == ("healthcare/asthma.md", "healthcare", "Asthma basics")
    assert doc.metadata["source"] == "https://example.org/asthma"
    assert [s.path for s in doc.sections] == [(), ("Symptoms",)]
    assert not doc.text.startswith("---")


def test_html_keeps_main_text_and_headings_without_scripts_or_navigation(tmp_path):
    html = (
        "<html><head><title>Leave</title><script>var x = 'tracking';</script></head><body>"
        "<nav>Home | About</nav><main><h1>Family leave</h1><h2>Who qualifies</h2>"
        "<p>Eligible employees get up to 12 weeks of leave.</p></main><footer>Copyright</footer></body></html>"
    )
    write(tmp_path, "law/leave.html", html)
    (doc,) = load_corpus(tmp_path).documents
    assert "12 weeks" in doc.text and "tracking" not in doc.text and "Home | About" not in doc.text
    assert ("Who qualifies",) in [s.path for s in doc.sections]


def test_broken_files_are_skipped_with_reasons_and_the_rest_is_loaded(tmp_path):
    write(tmp_path, "healthcare/good.md", GOOD_MD)
    write(tmp_path, "healthcare/empty.md", "   \n")
    write(tmp_path, "healthcare/binary.txt", b"\x00\x01\x02binary")
    write(tmp_path, "healthcare/table.xlsx", b"PK\x03\x04")
    write(tmp_path, "law/bad-front.md", "---\ntitle: [unclosed\n---\nBody text here.\n")
    write(tmp_path, "law/broken.pdf", b"%PDF-1.4 this is not really a pdf")
    report = load_corpus(tmp_path)
    assert [d.doc_id for d in report.documents] == ["healthcare/good.md"]
    reasons = dict(report.skipped)
    assert "empty" in reasons["healthcare/empty.md"]
    assert "binary" in reasons["healthcare/binary.txt"]
    assert "unsupported" in reasons["healthcare/table.xlsx"]
    assert "front matter" in reasons["law/bad-front.md"]
    assert "PDF" in reasons["law/broken.pdf"]


def test_non_utf8_text_is_decoded_with_a_warning(tmp_path):
    write(tmp_path, "law/latin.txt", "Caf\xe9 owners must post the minimum wage notice.".encode("cp1252"))
    report = load_corpus(tmp_path)
    assert "Café" in report.documents[0].text
    assert report.warnings and "UTF-8" in report.warnings[0][1]


def test_oversized_files_are_skipped(tmp_path):
    write(tmp_path, "law/huge.txt", "word " * 1000)
    report = load_corpus(tmp_path, max_file_bytes=100)
    assert not report.documents and "limit" in report.skipped[0][1]


def test_unreadable_files_are_skipped_with_the_os_reason(tmp_path):
    write(tmp_path, "law/good.md", GOOD_MD)
    (tmp_path / "law" / "gone.md").symlink_to(tmp_path / "law" / "deleted-target.md")
    report = load_corpus(tmp_path)
    assert [d.doc_id for d in report.documents] == ["law/good.md"]
    assert report.skipped[0][0] == "law/gone.md" and "cannot read" in report.skipped[0][1]


def test_docx_headings_become_sections_and_pdf_pages_are_kept(tmp_path):
    import docx
    from pypdf import PdfWriter

    document = docx.Document()
    document.add_heading("Leave policy", level=0)
    document.add_heading("Who qualifies", level=1)
    document.add_paragraph("Employees with a year of service qualify for twelve weeks of leave.")
    (tmp_path / "law").mkdir()
    document.save(tmp_path / "law" / "leave.docx")
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with open(tmp_path / "law" / "blank.pdf", "wb") as fh:
        writer.write(fh)
    write(tmp_path, "law/broken.docx", b"PK\x03\x04 not really a docx")
    report = load_corpus(tmp_path)
    (doc,) = report.documents
    assert doc.title == "Leave policy" and ("Who qualifies",) in [s.path for s in doc.sections]
    assert "twelve weeks" in doc.text
    reasons = dict(report.skipped)
    assert "no text layer" in reasons["law/blank.pdf"] and "DOCX" in reasons["law/broken.docx"]


def _pdf_with_pages(texts: list[str]) -> bytes:
    """A minimal hand-built PDF with one line of text per page (no PDF library writes text)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for text in texts:
        stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET"
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200] /Contents {len(objects)} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_pages_become_sections_that_citations_can_name(tmp_path):
    write(
        tmp_path,
        "law/guide.pdf",
        _pdf_with_pages(["Tenants may request repairs in writing.", "Deposits are returned within thirty days."]),
    )
    (doc,) = load_corpus(tmp_path).documents
    pages = {s.path: doc.text[s.start : s.end] for s in doc.sections}
    assert "repairs in writing" in pages[("Page 1",)] and "thirty days" in pages[("Page 2",)]
