"""The judicial calendar and the statutory clocks: court days and county changes to them, the
custody clocks of an episode, and the stored legal deadlines that move with the calendar.

Intake and court both count on these clocks, so they sit below both. It may import only
``kernel``.
"""
