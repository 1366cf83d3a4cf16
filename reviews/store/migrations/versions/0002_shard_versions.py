"""Count each shard's write transactions (``shard_versions``); index people by name.

Every write transaction begins by adding one to its shard's row: the row lock serialises the
shard's writers (it replaces ``pg_advisory_xact_lock``) and ``sum(version)`` is a data version
that moves with every commit and never ahead of it (the bump is part of the transaction).
Existing databases start with no rows (version 0); the first write of a shard inserts its row.

On PostgreSQL, an expression index on a person's name lets a process look up the names it has
not seen yet without listing everyone (:meth:`reviews.store.sql_store.SQLStore.people_named`);
SQLite (one machine, one class) filters the people rows instead: an index on ``json_extract``
would refuse to store a damaged row, which the store keeps for ``appraise check`` to report.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shard_versions",
        sa.Column("shard", sa.Text, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX documents_person_name ON documents ((doc->>'name')) WHERE kind = 'people'"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("documents_person_name", "documents")
    op.drop_table("shard_versions")
