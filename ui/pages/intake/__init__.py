"""The intake page's parts: one module per step, the result view and the pieces they share.

The page that assembles them is ``ui/pages/intake_page.py``.
"""
