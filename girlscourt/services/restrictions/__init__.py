"""Contact restrictions: who may not reach a detained youth, their approval and review, the desk
check that answers BLOCK / REVIEW / CLEAR, and the unit's printed list.

It may import ``registry``, ``clocks``, ``documents``, ``codes``, ``security`` and
``kernel``; never ``intake``, ``court`` or ``referrals``.
"""
