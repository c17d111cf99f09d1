"""Settings come from ``DOCENT_`` variables only: a machine's unrelated ``API_KEY`` or ``MODE`` must
never reach a language-model endpoint or change how Docent retrieves."""

from __future__ import annotations

from ragcore.settings import Settings


def test_unprefixed_variables_set_nothing(monkeypatch):
    for name, value in {"API_KEY": "sk-someone-elses", "MODEL": "other", "MODE": "lexical", "K": "9"}.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.llm.openai.api_key.get_secret_value() == "not-needed"
    assert settings.llm.openai.model == "gpt-4o-mini"
    assert (settings.retrieval.mode, settings.retrieval.k) == ("hybrid", 5)


def test_nested_docent_variables_set_their_group(monkeypatch):
    monkeypatch.setenv("DOCENT_LLM__OPENAI__API_KEY", "sk-docent")
    monkeypatch.setenv("DOCENT_RETRIEVAL__K", "7")
    monkeypatch.setenv("DOCENT_CALIBRATION__MAX_FALSE_OUT_OF_SCOPE", "0.02")
    settings = Settings()
    assert settings.llm.openai.api_key.get_secret_value() == "sk-docent"
    assert settings.retrieval.k == 7 and settings.calibration.max_false_out_of_scope == 0.02
