"""Screens that gather several capabilities at once: the youth record's summary and tabs (custody,
clocks, checklist, referrals, cases).

The top of the services floor: it may import every package below; none imports it.
"""
