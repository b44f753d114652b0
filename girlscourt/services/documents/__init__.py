"""Printed and exported documents as records: the audited copy of every printout, its number and
reprints, and the private folder where PDFs wait to be previewed or printed.

Each capability renders its own printouts and files them here. It may import only ``kernel``.
"""
