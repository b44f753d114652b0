"""Every table, imported in one place so the metadata (and Alembic) sees them all."""

from girlscourt.db.models.accounts import StaffTraining, User
from girlscourt.db.models.agencies import Agency, AgencyRepresentative
from girlscourt.db.models.audit import AuditChainHead, AuditEvent
from girlscourt.db.models.court import (
    AssignmentEvent,
    CourtCase,
    CourtHoliday,
    Department,
    GirlsCourtAssignment,
    Hearing,
    Petition,
    SpecialtyDocket,
)
from girlscourt.db.models.custody import (
    Charge,
    ChecklistStep,
    CustodyEpisode,
    DetentionAssessment,
    IntakeDraft,
    Screening,
)
from girlscourt.db.models.deadlines import LegalDeadline
from girlscourt.db.models.operations import AppliedOperation
from girlscourt.db.models.partners import PartnerAssignment
from girlscourt.db.models.partnership import MdtAttendee, MdtMeeting, SafetyPlanItem
from girlscourt.db.models.people import Caregiver, DependencyChange, Youth, YouthAlias, YouthNameKey
from girlscourt.db.models.referrals import Consent, Referral, ReferralEvent
from girlscourt.db.models.restrictions import ContactRestriction, RestrictionCheck

__all__ = [
    "Agency",
    "AgencyRepresentative",
    "AppliedOperation",
    "AssignmentEvent",
    "AuditChainHead",
    "AuditEvent",
    "Caregiver",
    "Charge",
    "ChecklistStep",
    "Consent",
    "ContactRestriction",
    "CourtCase",
    "CourtHoliday",
    "CustodyEpisode",
    "Department",
    "DependencyChange",
    "DetentionAssessment",
    "GirlsCourtAssignment",
    "Hearing",
    "IntakeDraft",
    "LegalDeadline",
    "MdtAttendee",
    "MdtMeeting",
    "PartnerAssignment",
    "Petition",
    "Referral",
    "ReferralEvent",
    "RestrictionCheck",
    "SafetyPlanItem",
    "Screening",
    "SpecialtyDocket",
    "StaffTraining",
    "User",
    "Youth",
    "YouthAlias",
    "YouthNameKey",
]
