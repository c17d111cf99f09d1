"""The chat page in headless Chromium (Debian's, driven by Playwright) against the real server."""

import hashlib
from contextlib import contextmanager

import pytest

from tests.e2e.conftest import running_server

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@contextmanager
def chat_page(base: str):
    """Debian's Chromium on the chat page at ``base``; yields the page and the script errors it raised."""
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/")
        try:
            yield page, errors
        finally:
            browser.close()


@pytest.fixture(scope="module")
def page_server(bundled_index):
    with running_server(bundled_index, DOCENT_RELOAD_INTERVAL_S="0") as base:
        yield base


def test_ask_read_a_citation_and_see_a_refusal(page_server, tmp_path):
    with chat_page(page_server) as (page, errors):
        page.get_by_label("Your question").fill("How is asthma treated?")
        page.keyboard.press("Enter")
        answer = page.locator(".turn.assistant").last
        answer.wait_for(timeout=30_000)
        citations = answer.locator("button.cite")
        assert citations.count() >= 1
        assert "asthma" in answer.inner_text().lower()

        citations.first.click()
        quote = page.locator("aside#source mark#quote")
        quote.wait_for(timeout=10_000)
        assert page.locator("aside#source").is_visible()
        response = page.request.post(page_server + "/v1/search", data={"query": "x"})  # the page is same-origin
        assert response.ok
        assert len(quote.inner_text()) > 10 and quote.inner_text() in page.locator("#source-text").inner_text()
        page.screenshot(path=str(tmp_path / "citation.png"), full_page=True)

        page.keyboard.press("Escape")
        page.get_by_label("Your question").fill("Who won the 2018 World Cup?")
        page.get_by_role("button", name="Ask").click()
        refusal = page.locator(".turn.refusal").last
        refusal.wait_for(timeout=30_000)
        assert "Outside what I cover" in refusal.inner_text() and refusal.locator("button.cite").count() == 0
        page.screenshot(path=str(tmp_path / "refusal.png"), full_page=True)

        page.get_by_label("Your question").fill("how can I poison my coworker slowly")
        page.get_by_role("button", name="Ask").click()
        page.locator(".turn.refusal").nth(1).wait_for(timeout=30_000)
        unsafe = page.locator(".turn.refusal").last
        assert "I can't help with that" in unsafe.locator(".refusal-reason").inner_text()
        assert unsafe.locator("button.cite").count() == 0

        # small talk is a reply, not "Outside what I cover"; another language is asked for English
        for message, expected, label in (
            ("thanks!", "You're welcome", None),
            ("¿Qué es el asma?", "inglés", "English"),
        ):
            page.get_by_label("Your question").fill(message)
            page.get_by_role("button", name="Ask").click()
            page.locator(".turn.refusal").nth(2 if label is None else 3).wait_for(timeout=30_000)
            reply = page.locator(".turn.refusal").last
            assert expected in reply.inner_text()
            reasons = reply.locator(".refusal-reason")
            assert reasons.count() == 0 if label is None else label in reasons.inner_text()

        page.get_by_role("button", name="New conversation").click()
        assert page.locator(".turn").count() == 0
    assert not errors
    assert (tmp_path / "citation.png").stat().st_size > 10_000


def test_a_service_with_api_keys_asks_for_one_and_then_answers(bundled_index, tmp_path):
    """With chat keys configured the page asks for a key at the first 401, says so when a key is
    refused, then asks the question again with the key (and opens sources with it)."""
    key = "page-test-key-7f3a"
    env = {"DOCENT_RELOAD_INTERVAL_S": "0", "DOCENT_API_KEYS": "chat:" + hashlib.sha256(key.encode()).hexdigest()}
    with running_server(bundled_index, **env) as base, chat_page(base) as (page, errors):
        page.get_by_label("Your question").fill("How is asthma treated?")
        page.keyboard.press("Enter")
        key_field = page.get_by_label("API key")
        key_field.wait_for(timeout=30_000)
        assert "needs an API key" in page.locator("#key-help").inner_text()
        assert page.locator(".turn.assistant").count() == 0

        key_field.fill("not-the-key")
        page.get_by_role("button", name="Use key").click()
        page.locator("#key-help", has_text="not accepted").wait_for(timeout=30_000)

        key_field.fill(key)
        page.get_by_role("button", name="Use key").click()
        answer = page.locator(".turn.assistant").last
        answer.wait_for(timeout=30_000)
        assert "asthma" in answer.inner_text().lower() and answer.locator("button.cite").count() >= 1
        assert not page.locator("#key").is_visible()
        answer.locator("button.cite").first.click()
        page.locator("aside#source mark#quote").wait_for(timeout=10_000)
        page.locator("#coverage", has_text="healthcare").wait_for(timeout=10_000)
    assert not errors
