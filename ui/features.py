"""The features the desktop app offers, one line each (see ``ui/extensions.py``).

Only finished features are listed: a feature that does not work is not in the menu.
"""

from __future__ import annotations

from ui.extensions import FeaturePage, RecordSection
from ui.pages.accounts_page import ACCOUNTS_FEATURE
from ui.pages.audit_page import AUDIT_FEATURE
from ui.pages.court_calendar_page import CALENDAR_FEATURE
from ui.pages.custody_board_page import BOARD_FEATURE
from ui.pages.docket_page import DOCKET_FEATURE
from ui.pages.girls_court_page import GIRLS_COURT_FEATURE
from ui.pages.intake_page import INTAKE_FEATURE
from ui.pages.reports_page import REPORTS_FEATURE
from ui.pages.restriction_reviews_page import REVIEWS_FEATURE
from ui.pages.screening_desk_page import DESK_FEATURE
from ui.widgets.access_section import ACCESS_SECTION
from ui.widgets.checklist_section import CHECKLIST_SECTION
from ui.widgets.court_section import COURT_SECTION
from ui.widgets.dependency_section import DEPENDENCY_SECTION
from ui.widgets.partners_section import PARTNERS_SECTION
from ui.widgets.referrals_section import REFERRALS_SECTION
from ui.widgets.restrictions_section import RESTRICTIONS_SECTION


def feature_pages() -> list[FeaturePage]:
    """Pages after "Find a youth", in navigation order."""
    pages: list[FeaturePage] = []
    pages.append(INTAKE_FEATURE)
    pages.append(BOARD_FEATURE)
    pages.append(DESK_FEATURE)
    pages.append(REVIEWS_FEATURE)
    pages.append(GIRLS_COURT_FEATURE)
    pages.append(DOCKET_FEATURE)
    pages.append(CALENDAR_FEATURE)
    pages.append(REPORTS_FEATURE)
    pages.append(AUDIT_FEATURE)
    pages.append(ACCOUNTS_FEATURE)
    return pages


def record_sections() -> list[RecordSection]:
    """Tabs after "Record" on a youth's page, in order."""
    sections: list[RecordSection] = []
    sections.append(CHECKLIST_SECTION)
    sections.append(REFERRALS_SECTION)
    sections.append(RESTRICTIONS_SECTION)
    sections.append(COURT_SECTION)
    sections.append(DEPENDENCY_SECTION)
    sections.append(PARTNERS_SECTION)
    sections.append(ACCESS_SECTION)
    return sections
