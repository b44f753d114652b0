"""The county's code lists and instruments, read from the shipped files and the county's own:
charges, detention reasons, release types, the protocol's checklist, and the screening and risk
instruments with their result levels and bands.

Intake scores with them, reports count by them, and printouts turn their codes into labels, so
they sit below every capability. It may import only ``kernel``.
"""
