"""Models of the volunteers app. Import from here: `from volunteers.models import HelpRequest`."""

from .assignments import (
    ACTIVE_ASSIGNMENT_STATUSES,
    AnonymousHours,
    Assignment,
    HoursEntry,
    VolunteerCertificate,
)
from .help_requests import (
    MAX_AUTO_INVITE_BATCH,
    MAX_AUTO_INVITE_DAYS,
    MAX_HELPERS,
    HelpRequest,
    HelpRequestLanguage,
)
from .organisations import CoordinatorInvitation, Membership, Organisation
from .people import (
    ALL_SLOTS,
    DAY_PARTS,
    WEEKDAYS,
    Consent,
    FuehrungszeugnisRecord,
    LanguageLevel,
    VolunteerLanguage,
    VolunteerProfile,
    slot_bit,
)
from .reference import ActivityArea, Town, TownDistance
from .trainings import (
    ACTIVE_REGISTRATION_STATUSES,
    Attendance,
    CalendarFeed,
    CertificateJob,
    Qualification,
    Registration,
    ReminderRule,
    Training,
    TrainingCertificate,
    TrainingSession,
)

__all__ = [
    "ACTIVE_ASSIGNMENT_STATUSES",
    "ACTIVE_REGISTRATION_STATUSES",
    "Attendance",
    "CalendarFeed",
    "CertificateJob",
    "Qualification",
    "Registration",
    "ReminderRule",
    "Training",
    "TrainingCertificate",
    "TrainingSession",
    "ALL_SLOTS",
    "DAY_PARTS",
    "MAX_AUTO_INVITE_BATCH",
    "MAX_AUTO_INVITE_DAYS",
    "MAX_HELPERS",
    "WEEKDAYS",
    "ActivityArea",
    "AnonymousHours",
    "Assignment",
    "Consent",
    "CoordinatorInvitation",
    "FuehrungszeugnisRecord",
    "HelpRequest",
    "HelpRequestLanguage",
    "HoursEntry",
    "LanguageLevel",
    "Membership",
    "Organisation",
    "Town",
    "TownDistance",
    "VolunteerCertificate",
    "VolunteerLanguage",
    "VolunteerProfile",
    "slot_bit",
]
