"""Alembic migrations (file names start with the date)."""
