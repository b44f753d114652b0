"""The shared kernel: ``Core`` (database, settings, clock), ``Actor``, permission checks with the
partner scope, the audit log and its anchor, retry on a dropped connection, opening the database.

It imports no capability package: everything else imports it.
"""
