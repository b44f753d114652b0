"""Dialogs: signing in, the first administrator, registering a youth, resolving a conflict."""
