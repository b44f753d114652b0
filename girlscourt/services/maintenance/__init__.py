"""Looking after the database as a whole: copying it to another database (a desk's SQLite file up
to the shared PostgreSQL server, or a training copy back down), with every table, the audit chain
and its anchor, verified at the end.

It reads every capability's tables through the models, not their services, and so sits at the top
beside ``overview``: it may import every package below; none imports it.
"""
