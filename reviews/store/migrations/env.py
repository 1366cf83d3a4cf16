"""Alembic's entry point: run the migrations on the connection Appraise hands over.

Appraise calls Alembic from :func:`reviews.store.schema.upgrade` with an open connection in
``config.attributes["connection"]``; there is no alembic.ini and no URL here, so a password
is never written to a configuration file.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
