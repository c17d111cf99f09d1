"""What an ingest would change: documents added, updated, removed and unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field

from ragcore.documents import Document


@dataclass
class IngestPlan:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.updated) + len(self.removed)

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "removed": self.removed, "unchanged": len(self.unchanged)}


def plan_ingest(documents: list[Document], live_hashes: dict[str, str]) -> IngestPlan:
    """Compare the corpus on disk with the live version's ``{doc_id: content hash}``."""
    plan = IngestPlan()
    seen = set()
    for doc in sorted(documents, key=lambda d: d.doc_id):
        seen.add(doc.doc_id)
        if doc.doc_id not in live_hashes:
            plan.added.append(doc.doc_id)
        elif live_hashes[doc.doc_id] != doc.content_hash:
            plan.updated.append(doc.doc_id)
        else:
            plan.unchanged.append(doc.doc_id)
    plan.removed = sorted(set(live_hashes) - seen)
    return plan
