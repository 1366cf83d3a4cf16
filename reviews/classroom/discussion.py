"""The discussion around a resource: corrections, votes on them, and comments.

A mixin of :class:`reviews.workbook.Workbook`; every record is written to its author's own
shard, so endorsing or disputing never rewrites anyone else's file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from reviews.classroom import flood
from reviews.domain.errors import NotFound, PermissionDenied
from reviews.domain.model import Comment, Correction, Vote, build, new_id, now, valid_models

if TYPE_CHECKING:
    from reviews.domain.model import Record
    from reviews.domain.visibility import State
    from reviews.store import Store


class Discussion:
    store: Store
    flood_limits: bool = True  # scripts that write a whole class at once may turn it off

    if TYPE_CHECKING:  # provided by Workbook and Moderation

        def require_resource(self, resource_id: str) -> None: ...

        def moderation(self) -> State: ...

        def register(self, names: Iterable[str]) -> None: ...

        def append(self, kind: str, record: Record, author: str) -> None: ...

        def is_tutor(self, name: str) -> bool: ...

    def _append_limited(self, kind: str, record: Record, author: str, resource_id: str) -> None:
        """Write ``record`` to its author's shard unless it passes their flood limit (checked
        under the shard's lock, see :mod:`reviews.classroom.flood`)."""
        resource_of = self._resource_of(kind)
        with self.store.transaction(author) as shard:
            if self.flood_limits:
                flood.check(
                    kind, shard.all(kind), resource_id, resource_of, now(), self.is_tutor(author)
                )
            shard.add(kind, record.model_dump(mode="json"))
        self.register([author])

    def _resource_of(self, kind: str) -> Callable[[dict[str, Any]], str | None]:
        """Which resource a record of ``kind`` is about (a comment or a vote on a correction
        is about the correction's resource)."""

        def of_correction(correction_id: str) -> str | None:
            doc = self.store.get("corrections", correction_id)
            return None if doc is None else doc.get("resource_id")

        if kind == "corrections":
            return lambda d: d.get("resource_id")
        if kind == "votes":
            return lambda d: of_correction(str(d.get("correction_id")))
        return lambda d: (
            d.get("target_id")
            if str(d.get("target_id", "")).startswith("res_")
            else of_correction(str(d.get("target_id")))
        )

    def add_correction(
        self,
        resource_id: str,
        author: str,
        claim: str,
        correction: str,
        evidence: str,
        locator: str = "",
        severity: str = "minor",
    ) -> Correction:
        """Propose a correction: where, what the resource says, what is right, and why."""
        self.require_resource(resource_id)
        item = build(
            Correction,
            "correction",
            id=new_id("cor"),
            resource_id=resource_id,
            author=author,
            locator=locator,
            claim=claim,
            correction=correction,
            evidence=evidence,
            severity=severity,
        )
        self._append_limited("corrections", item, item.author, resource_id)
        return item

    def corrections(
        self, resource_id: str | None = None, include_hidden: bool = False
    ) -> list[Correction]:
        if resource_id is None:
            docs = self.store.records("corrections")
        else:
            docs = self.store.find("corrections", resource_id=resource_id)
        hidden = set() if include_hidden else self.moderation().hidden
        return sorted(
            (c for c in valid_models(Correction, docs) if c.id not in hidden),
            key=lambda c: c.created_at,
        )

    def correction(self, correction_id: str) -> Correction:
        doc = self.store.get("corrections", correction_id)
        if doc is not None:
            return Correction.model_validate(doc)
        raise NotFound(f"no correction with id {correction_id!r}")

    def vote(self, correction_id: str, voter: str, agree: bool, reason: str = "") -> Vote:
        """Endorse (``agree=True``) or dispute a correction; voting again changes the vote."""
        target = self.correction(correction_id)
        ballot = build(
            Vote,
            "vote",
            id=new_id("vote"),
            correction_id=correction_id,
            voter=voter,
            agree=agree,
            reason=reason,
        )
        if ballot.voter == target.author:
            raise PermissionDenied("you cannot endorse or dispute your own correction")
        with self.store.transaction(ballot.voter) as shard:
            if self.flood_limits:
                flood.check(
                    "votes", shard.all("votes"), target.resource_id, self._resource_of("votes"),
                    now(), self.is_tutor(ballot.voter),
                )  # fmt: skip
            previous = shard.find("votes", correction_id=correction_id, voter=ballot.voter)
            if previous:
                kept = {"id": previous[0]["id"], "created_at": previous[0]["created_at"]}
                ballot = Vote.model_validate({**ballot.model_dump(), **kept})
            shard.put("votes", ballot.model_dump(mode="json"))
        self.register([ballot.voter])
        return ballot

    def votes(self, correction_id: str | None = None) -> list[Vote]:
        if correction_id is None:
            docs = self.store.records("votes")
        else:
            docs = self.store.find("votes", correction_id=correction_id)
        return sorted(valid_models(Vote, docs), key=lambda v: v.created_at)

    def add_comment(
        self, target_id: str, author: str, text: str, parent_id: str | None = None
    ) -> Comment:
        """Join the discussion under a resource or a correction."""
        try:  # one lookup by id each (a resource seen before: none), not every record
            self.require_resource(target_id)
        except NotFound:
            if self.store.get("corrections", target_id) is None:
                raise NotFound(
                    f"no resource or correction with id {target_id!r} to comment on"
                ) from None
        if parent_id is not None and self.store.get("comments", parent_id) is None:
            raise NotFound(f"no comment with id {parent_id!r} to reply to")
        item = build(
            Comment,
            "comment",
            id=new_id("com"),
            target_id=target_id,
            author=author,
            text=text,
            parent_id=parent_id,
        )
        about = self._resource_of("comments")(item.model_dump(mode="json"))
        self._append_limited("comments", item, item.author, about or target_id)
        return item

    def comments(self, target_id: str | None = None, include_hidden: bool = False) -> list[Comment]:
        if target_id is None:
            docs = self.store.records("comments")
        else:
            docs = self.store.find("comments", target_id=target_id)
        hidden = set() if include_hidden else self.moderation().hidden
        return sorted(
            (c for c in valid_models(Comment, docs) if c.id not in hidden),
            key=lambda c: c.created_at,
        )
