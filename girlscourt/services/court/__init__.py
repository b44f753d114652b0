"""Court: departments, cases and petitions, Girls Court assignments and teams, hearings with
their outcomes and the court's orders, dockets and minute orders.

It may import ``registry``, ``clocks``, ``documents``, ``codes``, ``security`` and
``kernel``; never ``intake``, ``referrals`` or ``restrictions``.
"""
