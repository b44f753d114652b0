"""ReportLab documents built from service results: forms, dockets, lists and reports (no Qt)."""
