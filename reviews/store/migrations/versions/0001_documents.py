"""Create the documents table; move a pre-Alembic appraise.sqlite's ``records`` into it.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "documents",
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("shard", sa.Text, nullable=False),
        sa.Column("resource_id", sa.String(64)),
        sa.Column("rubric", sa.String(64)),
        sa.Column("created_at", sa.String(40)),
        sa.Column("deleted_at", sa.String(40)),
        # jsonb on PostgreSQL: parsed once when written, so a query can pick fields cheaply
        sa.Column("doc", sa.Text().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    )
    op.create_index("documents_shard", "documents", ["shard", "kind"])
    op.create_index("documents_resource", "documents", ["kind", "resource_id"])
    op.create_index("documents_rubric", "documents", ["kind", "rubric", "deleted_at"])
    conn = op.get_bind()
    if not sa.inspect(conn).has_table("records"):
        return
    rows = []  # the hand-written SQLite backend's table: (kind, id, shard, doc)
    for kind, rid, shard, text in conn.exec_driver_sql("SELECT kind, id, shard, doc FROM records"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError:
            doc = {}  # kept as it was; `appraise check` reports it
        doc = doc if isinstance(doc, dict) else {}
        fields = {k: doc.get(k) if isinstance(doc.get(k), str) else None
                  for k in ("resource_id", "rubric", "created_at", "deleted_at")}  # fmt: skip
        rows.append({"kind": kind, "id": rid, "shard": shard, "doc": text, **fields})
    if rows:
        op.bulk_insert(table, rows)
    op.drop_table("records")


def downgrade() -> None:
    op.drop_table("documents")
