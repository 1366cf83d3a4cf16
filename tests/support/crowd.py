"""A crowded resource: many corrections and comments, written shard by shard (fast)."""

from __future__ import annotations

from reviews import Workbook
from reviews.domain.model import Comment, Correction, new_id


def crowd(wb: Workbook, resource_id: str, n: int, authors: int = 50) -> None:
    """Add ``n`` corrections and ``n`` comments on ``resource_id`` from ``authors`` learners,
    one transaction per author's shard, the records built and validated as the API does."""
    for a in range(authors):
        author = f"crowd-{a:02d}"
        mine = range(a, n, authors)
        corrections = [
            Correction(
                id=new_id("cor"), resource_id=resource_id, author=author, locator=f"{i}:00",
                claim=f"Crowded claim {i}", correction="What is right", evidence="https://doi.org/1",
                severity="minor",
            ).model_dump(mode="json")
            for i in mine
        ]  # fmt: skip
        comments = [
            Comment(
                id=new_id("com"), target_id=resource_id, author=author, text=f"Crowded comment {i}"
            ).model_dump(mode="json")
            for i in mine
        ]
        with wb.store.transaction(author) as shard:
            shard.put_many("corrections", corrections)
            shard.put_many("comments", comments)
    wb.register([f"crowd-{a:02d}" for a in range(authors)])
