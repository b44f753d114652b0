"""Use cases: each takes an actor and input, checks permission, applies the domain rules, writes
rows and the audit event in one transaction, and returns frozen dataclasses (never ORM rows).

One package per capability, each using only the packages below it (import-linter keeps this):
``overview`` | ``maintenance``; ``reports``; ``intake`` | ``court`` | ``referrals`` |
``restrictions`` (siblings, never each other); ``registry``; ``clocks`` | ``documents`` |
``codes``; ``security``; ``kernel``.
docs/architecture.md draws the picture and says where a new capability goes.
"""
