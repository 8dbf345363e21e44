"""Persistence: the ORM, engine/session factory, migrations and read queries."""
