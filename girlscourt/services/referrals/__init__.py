"""Referrals: partner agencies, referrals with their consents and first contacts, the referral
form, partner accounts' assignments to youth, and the partnership's MDT meetings.

It may import ``registry``, ``clocks``, ``documents``, ``codes``, ``security`` and
``kernel``; never ``intake``, ``court`` or ``restrictions``.
"""
