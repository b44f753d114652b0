"""Youth: registering and editing a youth with her aliases, search (typo- and alias-tolerant),
the record's versions, and her dependency (WIC 300) status.

Every other capability builds on the registry; it imports none of them (only ``security``
and ``kernel``).
"""
