"""Intake: the custody episode from booking to release, the screening and risk instruments and
their codes, the CSEC protocol checklist, the custody board, and intake entries kept on the
workstation while the database is away.

It may import ``registry``, ``clocks``, ``documents``, ``codes``, ``security`` and
``kernel``; never ``court``, ``referrals`` or ``restrictions``.
"""
