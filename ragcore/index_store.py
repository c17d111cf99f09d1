"""The versioned index store: ``versions/<version>/`` directories and an atomic ``CURRENT``.

A version is written to a staging directory, fsynced, renamed into ``versions/`` and only then
made live by replacing ``CURRENT`` (write temp, fsync, ``os.replace``, fsync the directory).
A failed or killed ingest therefore never touches the live version.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

from ragcore.errors import IndexNotFound, IndexStoreError

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


class IndexStore:
    """Versions of one index directory.

    >>> store = IndexStore(Path("var/index"))
    >>> staging = store.begin_version()      # write files into it
    >>> store.publish(staging)               # now live
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.versions_dir = self.root / "versions"
        self.cache_dir = self.root / "cache"

    def current_version(self) -> str | None:
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name or None

    def require_current(self) -> Path:
        """The live version's directory, or :class:`IndexNotFound` naming what is missing."""
        name = self.current_version()
        if name is None:
            raise IndexNotFound(
                f"no index at {self.root} (no CURRENT file); run `docent ingest CORPUS_DIR --index {self.root}` first"
            )
        path = self.versions_dir / name
        if not (path / MANIFEST).is_file():
            raise IndexNotFound(f"CURRENT names version {name!r} but {path / MANIFEST} does not exist")
        return path

    def versions(self) -> list[str]:
        if not self.versions_dir.is_dir():
            return []
        return sorted(
            p.name for p in self.versions_dir.iterdir() if not p.name.startswith(".") and (p / MANIFEST).is_file()
        )

    def manifest(self, version: str) -> dict:
        path = self.versions_dir / version / MANIFEST
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexStoreError(f"cannot read manifest of version {version!r} at {path}: {exc}") from exc

    def begin_version(self) -> Path:
        """A fresh staging directory, invisible to readers until :meth:`publish`."""
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        staging = self.versions_dir / f".staging-{stamp}-{uuid.uuid4().hex[:6]}"
        staging.mkdir()
        return staging

    def publish(self, staging: Path) -> str:
        """Make ``staging`` the live version; returns its version name."""
        if not (staging / MANIFEST).is_file():
            raise IndexStoreError(f"refusing to publish {staging}: it has no {MANIFEST}")
        _fsync_tree(staging)
        version = staging.name.removeprefix(".staging-")
        final = self.versions_dir / version
        os.replace(staging, final)
        _fsync_dir(self.versions_dir)
        self.set_current(version)
        log.info("published index version %s", version)
        return version

    def set_current(self, version: str) -> None:
        """Atomically point ``CURRENT`` at an existing version."""
        if not (self.versions_dir / version / MANIFEST).is_file():
            raise IndexNotFound(f"no version {version!r} under {self.versions_dir}")
        tmp = self.root / f".CURRENT.{uuid.uuid4().hex}"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(version + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / "CURRENT")
        _fsync_dir(self.root)

    def rollback(self, version: str | None = None) -> str:
        """Make ``version`` (default: the one published before the live one) live again."""
        versions = self.versions()
        live = self.current_version()
        if version is None:
            older = [v for v in versions if live is None or v < live]
            if not older:
                raise IndexNotFound(f"no version older than {live!r} to roll back to under {self.versions_dir}")
            version = older[-1]
        self.set_current(version)
        log.info("rolled back %s from %s to %s", self.root, live, version)
        return version

    def gc(self, keep: int) -> list[str]:
        """Keep ``keep`` versions — the live one and the newest others — and delete the rest."""
        live = self.current_version()
        keepers = {live} if live else set()
        for version in reversed(self.versions()):
            if len(keepers) >= keep:
                break
            keepers.add(version)
        doomed = [v for v in self.versions() if v not in keepers]
        for version in doomed:
            shutil.rmtree(self.versions_dir / version, ignore_errors=True)
        self.discard_staging()
        return doomed

    def discard_staging(self) -> None:
        """Remove staging directories left by killed or failed ingests."""
        if self.versions_dir.is_dir():
            for path in self.versions_dir.glob(".staging-*"):
                shutil.rmtree(path, ignore_errors=True)


def _fsync_tree(root: Path) -> None:
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def _fsync_dir(path: Path) -> None:
    fd = os.open(str(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
