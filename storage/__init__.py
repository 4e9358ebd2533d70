"""Persistence: SQLModel tables, engine and sessions, migrations, aggregate queries.

This package never imports ``commands`` or ``bot``.
"""
