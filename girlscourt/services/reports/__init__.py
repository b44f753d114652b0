"""Reports: the agency's CSEC data (the protocol's metrics with small-cell suppression) and its
export to PDF and CSV.

It reads across capabilities and so sits above them: it may import every package but
``overview``, and only ``overview`` may import it.
"""
