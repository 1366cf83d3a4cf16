"""Give reviews their reviewer, scores and flags as columns, under one covering index.

The summary reads three fields of every live review of a rubric. Picked out of the documents,
a million reviews meant reading every document (600 MB at a million reviews); from these
columns, through ``documents_reviews``, PostgreSQL answers with an index-only scan of a
tenth of that. Existing reviews are filled in from their documents.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = ("reviewer", "scores", "flags")
#: Covered by the index: what the summary's queries read (PostgreSQL's INCLUDE).
COVERED = ["id", "resource_id", *COLUMNS]


def upgrade() -> None:
    json = sa.Text().with_variant(postgresql.JSONB(), "postgresql")  # parsed once, on write
    op.add_column("documents", sa.Column("reviewer", sa.Text))
    op.add_column("documents", sa.Column("scores", json))
    op.add_column("documents", sa.Column("flags", json))
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute(
            "UPDATE documents SET "
            "reviewer = CASE WHEN jsonb_typeof(doc->'reviewer') = 'string' "
            "THEN doc->>'reviewer' END, "
            "scores = CASE WHEN jsonb_typeof(doc->'scores') = 'object' THEN doc->'scores' END, "
            "flags = CASE WHEN jsonb_typeof(doc->'flags') = 'array' THEN doc->'flags' END "
            "WHERE kind = 'reviews'"
        )
    else:  # SQLite: the document is text, perhaps damaged (left as it is)
        op.execute(
            "UPDATE documents SET "
            "reviewer = CASE WHEN json_type(doc, '$.reviewer') = 'text' "
            "THEN json_extract(doc, '$.reviewer') END, "
            "scores = CASE WHEN json_type(doc, '$.scores') = 'object' "
            "THEN json_extract(doc, '$.scores') END, "
            "flags = CASE WHEN json_type(doc, '$.flags') = 'array' "
            "THEN json_extract(doc, '$.flags') END "
            "WHERE kind = 'reviews' AND json_valid(doc)"
        )
    op.drop_index("documents_rubric", table_name="documents")
    op.create_index(
        "documents_reviews",
        "documents",
        ["kind", "rubric", "deleted_at"],
        postgresql_include=COVERED,
    )


def downgrade() -> None:
    op.drop_index("documents_reviews", table_name="documents")
    op.create_index("documents_rubric", "documents", ["kind", "rubric", "deleted_at"])
    for name in COLUMNS:
        op.drop_column("documents", name)
