"""Use cases: each takes an actor and input, checks permission, applies the domain rules, writes
rows and the audit event in one transaction, and returns frozen dataclasses (never ORM rows)."""
