"""API keys: who may chat and who may operate.

Keys are configured as SHA-256 hashes, never in clear (except the legacy
``DOCENT_ADMIN_API_KEY``, hashed at start-up), from ``DOCENT_API_KEYS`` (comma-separated) and
``DOCENT_API_KEYS_FILE`` (one per line), each entry ``role:sha256hex`` with role ``chat`` or
``admin``. Make one with ``printf %s "$KEY" | sha256sum``. An admin key may also chat.

- Chat routes (``/v1/chat``, ``/v1/search``, ``/v1/documents``, ``/v1/domains``,
  ``/v1/conversations``) are open until at least one ``chat`` key is configured; then a request
  without a key is 401 and with an unknown key 401.
- Admin routes are disabled (404) until an admin key is configured; then no key or an unknown key
  is 401 and a chat key is 403.

A presented key is hashed and compared with every configured hash using
:func:`hmac.compare_digest`, so neither timing nor early exit tells how close a guess was.
The caller's principal, ``key:<first 32 hex of the key's hash>``, owns the conversations it starts.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ragcore.errors import ConfigError
from ragcore.settings import Settings

ROLES = ("chat", "admin")
_ENTRY = re.compile(r"^(chat|admin):([0-9a-fA-F]{64})$")
bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer <key>`.")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class KeyRing:
    """Configured key hashes and their roles."""

    entries: tuple[tuple[str, bytes], ...] = ()  # (role, sha256 digest)

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        entries: list[tuple[str, bytes]] = []
        if settings.admin_api_key:
            entries.append(("admin", hashlib.sha256(settings.admin_api_key.encode()).digest()))
        if settings.api_keys:
            for i, raw in enumerate(settings.api_keys.split(","), 1):
                entries.append(_parse(raw.strip(), f"DOCENT_API_KEYS entry {i}"))
        if settings.api_keys_file:
            entries += _read_file(settings.api_keys_file)
        return cls(tuple(entries))

    def has_role(self, role: str) -> bool:
        return any(r == role for r, _ in self.entries)

    def role_of(self, key: str) -> str | None:
        """The strongest role of ``key``, or ``None`` for an unknown key (every hash is compared)."""
        given = hashlib.sha256(key.encode()).digest()
        roles = {role for role, digest in self.entries if hmac.compare_digest(given, digest)}
        return "admin" if "admin" in roles else ("chat" if roles else None)


def _parse(entry: str, where: str) -> tuple[str, bytes]:
    match = _ENTRY.match(entry)
    if not match:
        raise ConfigError(f"{where}: expected role:sha256hex with role chat or admin, got {entry[:20]!r}…")
    return match.group(1), bytes.fromhex(match.group(2))


def _read_file(path: Path) -> list[tuple[str, bytes]]:
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read the API keys file {path}: {exc}") from exc
    return [
        _parse(line.strip(), f"{path} line {n}")
        for n, line in enumerate(lines, 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def principal_of(key: str) -> str:
    return "key:" + hash_key(key)[:32]


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


async def chat_principal(request: Request, credentials: Credentials) -> str | None:
    """The caller's principal on chat routes: ``None`` while chat keys are off, else its key's.
    (``async``: no blocking work here, and a plain ``def`` dependency costs a thread-pool hand-off.)"""
    keys: KeyRing = request.app.state.keys
    if not keys.has_role("chat"):
        return None
    if credentials is None:
        raise HTTPException(401, "this service needs an API key: send Authorization: Bearer <key>")
    if keys.role_of(credentials.credentials) is None:
        raise HTTPException(401, "unknown API key")
    return principal_of(credentials.credentials)


def require_admin(request: Request, credentials: Credentials) -> None:
    keys: KeyRing = request.app.state.keys
    if not keys.has_role("admin"):
        raise HTTPException(404, "admin routes are disabled: configure an admin key to enable them")
    if credentials is None:
        raise HTTPException(401, "admin routes need Authorization: Bearer <admin key>")
    role = keys.role_of(credentials.credentials)
    if role is None:
        raise HTTPException(401, "unknown API key")
    if role != "admin":
        raise HTTPException(403, "this key is not an admin key")


Principal = Annotated[str | None, Depends(chat_principal)]
AdminDep = Annotated[None, Depends(require_admin)]
