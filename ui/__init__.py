"""The PySide6 desktop front end; it reaches the core only through girlscourt.services."""
