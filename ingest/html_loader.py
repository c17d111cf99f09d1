"""HTML -> Markdown-like text: main content only, headings kept as sections."""

from __future__ import annotations

from bs4 import BeautifulSoup

_DROP = ["script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg"]
_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "blockquote", "td", "th", "dt", "dd"]


def html_markdown(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_DROP):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    lines: list[str] = []
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    if title and not root.find("h1"):
        lines.append(f"# {title}")
    for block in root.find_all(_BLOCKS):
        if block.find(_BLOCKS):  # text is taken from the innermost block
            continue
        text = " ".join(block.get_text(" ", strip=True).split())
        if not text:
            continue
        if block.name[0] == "h" and block.name[1:].isdigit():
            lines.append("#" * int(block.name[1:]) + " " + text)
        elif block.name == "li":
            lines.append(f"- {text}")
        else:
            lines.append(text)
    return "\n\n".join(lines) + "\n"
