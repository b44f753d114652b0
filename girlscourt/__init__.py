"""Girls Court: the core of the JJC case tracker (domain, services, persistence, printing, CLI).

Nothing in this package imports Qt; the desktop front end lives in ``ui``.
"""

__version__ = "0.1.0"
APP_ID = "org.girlscourt.GirlsCourt"
APP_NAME = "Girls Court"
