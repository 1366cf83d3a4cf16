"""Alembic migrations of the SQL backend's schema (run by ``appraise upgrade-db``)."""
