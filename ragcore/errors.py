"""Docent's exception tree.

    DocentError
     ├── ConfigError          settings or data files that cannot work (bad domains.yaml, ...)
     ├── IngestError          the corpus cannot be turned into an index (empty folder, ...)
     ├── IndexStoreError      the on-disk index cannot be used
     │    ├── IndexNotFound   no published version where one was expected
     │    └── IndexMismatch   built with another model, dimension or chunker version
     ├── DocumentNotFound     an unknown document id was asked for
     ├── ConversationNotFound an unknown conversation id was given (or another key's)
 ├── ConversationFull     a conversation reached the most turns allowed
     ├── SharedStateUnavailable  the shared store (Redis) for conversations cannot be reached
     └── GenerationError      an answer generator failed

Every error carries enough context (which path, which version) to act on without a traceback.
Out of scope is a result, not an exception.
"""

from __future__ import annotations


class DocentError(Exception):
    """Base of every error Docent raises on purpose."""


class ConfigError(DocentError):
    """Settings or configuration data that cannot work."""


class IngestError(DocentError):
    """The corpus cannot be turned into an index version."""


class IndexStoreError(DocentError):
    """The on-disk index store cannot be used."""


class IndexNotFound(IndexStoreError):
    """No published index version exists where one was expected."""


class IndexMismatch(IndexStoreError):
    """The index was built with components that differ from the running ones."""

    def __init__(self, what: str, index_side: object, running_side: object) -> None:
        super().__init__(
            f"index {what} is {index_side!r} but this process uses {running_side!r}; "
            "re-ingest the corpus or change the settings to match"
        )
        self.what = what
        self.index_side = index_side
        self.running_side = running_side


class DocumentNotFound(DocentError):
    """An unknown document id was asked for."""

    def __init__(self, doc_id: str) -> None:
        super().__init__(f"no document with id {doc_id!r} in the live index")
        self.doc_id = doc_id


class GenerationError(DocentError):
    """An answer generator failed."""


class ConversationNotFound(DocentError):
    """A conversation id that does not exist (or belongs to someone else)."""

    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"no conversation with id {conversation_id!r}")
        self.conversation_id = conversation_id


class ConversationFull(DocentError):
    """A conversation already holds the most user turns allowed (``DOCENT_LIMITS__MAX_TURNS``)."""

    def __init__(self, conversation_id: str, max_turns: int) -> None:
        super().__init__(
            f"conversation {conversation_id!r} reached its limit of {max_turns} questions; start a new conversation"
        )
        self.conversation_id = conversation_id
        self.max_turns = max_turns


class SharedStateUnavailable(DocentError):
    """The shared state store (Redis) that replicas keep conversations in cannot be reached."""
