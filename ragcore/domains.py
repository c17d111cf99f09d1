"""Domain descriptions from ``domains.yaml``: what Docent covers, disclaimers, emergency notices,
what it refuses as unsafe.

Adding a domain is data, not code: a folder in the corpus and an entry here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ragcore.errors import ConfigError
from ragcore.small_talk import SmallTalk, small_talk_from
from ragcore.yaml_text import load_yaml


@dataclass(frozen=True)
class Phrases:
    phrases: tuple[str, ...]
    # every phrase as a whole word or words, in one pattern compiled once (checked on every message);
    # " * " in a phrase stands for up to three words: "took * bottle" matches "took a whole bottle"
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.phrases:
            alternatives = "|".join(_phrase_pattern(p) for p in self.phrases)
            object.__setattr__(self, "_pattern", re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"))

    def matches(self, text: str) -> bool:
        return self._pattern is not None and self._pattern.search(_fold(text)) is not None


@dataclass(frozen=True)
class EmergencyRule(Phrases):
    notice: str = ""
    examples: tuple[str, ...] = ()  # messages from people in this situation (``ragcore.emergency``)
    # a person in crisis (suicide, abuse): a message that only tells of it is answered from
    # sentences that read as an emergency alone (``ragcore.emergency.speaking_to``)
    crisis: bool = False


@dataclass(frozen=True)
class Domain:
    name: str
    title: str
    description: str
    examples: tuple[str, ...]  # questions the bundled corpus answers: train both scope guard and evidence gate
    unanswerable_examples: tuple[str, ...]
    disclaimer: str
    emergency: tuple[EmergencyRule, ...]
    # how people ask about the domain, answerable or not by any one corpus: train the scope guard only
    scope_examples: tuple[str, ...] = ()
    # messages that mention symptoms, danger or conflict but need no notice (``ragcore.emergency``)
    non_urgent_examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class DomainCatalog:
    """All domains plus the out-of-scope examples used to calibrate the scope guard."""

    domains: dict[str, Domain]
    out_of_scope_message: str
    out_of_scope_examples: tuple[str, ...]
    # requests refused as unsafe, what Docent says instead, and lookalikes it answers (``ragcore.unsafe``)
    unsafe_message: str = ""
    unsafe_examples: tuple[str, ...] = ()
    safe_examples: tuple[str, ...] = ()
    unsafe_cues: Phrases = Phrases(())  # a harmful act or hiding it, named: one must match to refuse
    unsafe_protective: Phrases = Phrases(())  # the asker's own danger: an abuser, a shelter (never refused)
    unsafe_violent: Phrases = Phrases(())  # ... unless violence is named too
    small_talk: SmallTalk = SmallTalk()  # "hi", "thanks", "who are you?" (``ragcore.small_talk``)
    other_language_replies: dict[str, str] = field(default_factory=dict)  # language code -> reply

    def other_language_reply(self, language: str) -> str | None:
        """What Docent says to a message in ``language``: that language's reply, if there is one,
        then the English one; None when ``domains.yaml`` has none (versions written before it)."""
        english = self.other_language_replies.get("en")
        if english is None:
            return None
        own = self.other_language_replies.get(language) if language != "en" else None
        return f"{own} {english}" if own else english

    def emergency_rules(self, text: str) -> tuple[str, tuple[int, ...]] | None:
        """The first domain whose emergency phrases match, with the numbers of its matching groups
        (their place in its ``emergency`` list): danger does not wait for scope, and one domain's
        wording is enough (several domains list self-harm, say)."""
        for domain in self.domains.values():
            matched = tuple(n for n, rule in enumerate(domain.emergency) if rule.matches(text))
            if matched:
                return domain.name, matched
        return None

    def emergency_notice(self, text: str) -> str | None:
        """The matching emergency notices of the first domain that has any."""
        found = self.emergency_rules(text)
        return self.emergency_notice_of(*found) if found else None

    def emergency_notice_of(self, domain: str, numbers: tuple[int, ...]) -> str:
        """The notices of a domain's emergency groups ``numbers``, in their order, as one text."""
        return " ".join(self.domains[domain].emergency[n].notice for n in numbers)

    def emergency_domain(self, text: str) -> str | None:
        """The first domain whose emergency phrases match: such a message is never out of scope."""
        found = self.emergency_rules(text)
        return found[0] if found else None

    def coverage_summary(self) -> str:
        return _coverage(self.domains)


def load_domains(path: Path) -> DomainCatalog:
    """Parse ``domains.yaml``; a malformed file is a :class:`ConfigError` naming the file."""
    try:
        raw = load_yaml(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read domain descriptions {path}: {exc}") from exc
    try:
        domains = {
            name: Domain(
                name=name,
                title=str(body.get("title", name.title())),
                description=str(body["description"]).strip(),
                examples=tuple(str(q) for q in body.get("examples", [])),
                unanswerable_examples=tuple(str(q) for q in body.get("unanswerable_examples", [])),
                scope_examples=tuple(str(q) for q in body.get("scope_examples", [])),
                disclaimer=str(body.get("disclaimer", "")).strip(),
                emergency=tuple(
                    EmergencyRule(
                        tuple(str(p) for p in rule["phrases"]),
                        str(rule["notice"]).strip(),
                        tuple(str(q) for q in rule.get("examples", [])),
                        bool(rule.get("crisis", False)),
                    )
                    for rule in body.get("emergency", [])
                ),
                non_urgent_examples=tuple(str(q) for q in body.get("non_urgent_examples", [])),
            )
            for name, body in raw["domains"].items()
        }
        oos = raw.get("out_of_scope", {})
        unsafe = raw.get("unsafe") or {}
        coverage = _coverage(domains)
        return DomainCatalog(
            domains=domains,
            out_of_scope_message=str(oos.get("description", "")).strip(),
            out_of_scope_examples=tuple(str(q) for q in oos.get("examples", [])),
            unsafe_message=str(unsafe.get("message", "")).strip(),
            unsafe_examples=tuple(str(q) for q in unsafe.get("examples", [])),
            safe_examples=tuple(str(q) for q in unsafe.get("safe_examples", [])),
            unsafe_cues=Phrases(tuple(str(p) for p in unsafe.get("cues", []))),
            unsafe_protective=Phrases(tuple(str(p) for p in unsafe.get("protective", []))),
            unsafe_violent=Phrases(tuple(str(p) for p in unsafe.get("violent", []))),
            small_talk=small_talk_from(raw.get("small_talk"), coverage),
            other_language_replies={str(k): str(v).strip() for k, v in (raw.get("other_language") or {}).items()},
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"{path} does not have the expected shape (domains: name: description...): {exc}") from exc


def _coverage(domains: dict[str, Domain]) -> str:
    """ "healthcare, law and education" """
    titles = [d.title.lower() for d in domains.values()]
    return " and ".join([", ".join(titles[:-1]), titles[-1]]) if len(titles) > 1 else "".join(titles)


def _phrase_pattern(phrase: str) -> str:
    """A phrase's words in order, ``*`` standing for up to three words; an apostrophe may be left
    out, as it often is in a hurried message ("i dont want to live")."""
    parts = [re.escape(part.strip()).replace("'", "'?") for part in _fold(phrase).split(" * ")]
    return r"(?:\s+\S+){0,3}\s+".join(parts)


def _fold(text: str) -> str:
    return text.lower().replace("’", "'")
