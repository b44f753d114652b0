"""Persistence: typed SQLAlchemy models, the engine factory and the unit of work."""
