"""SQLAlchemy tables. Importing this package registers every table on `Base.metadata`."""

from core.adapters.orm.access import ApiToken, AuditEntry, Device, Enrolment, Staff
from core.adapters.orm.appointments import Appointment, SmsCode
from core.adapters.orm.base import Base, UTCDateTime
from core.adapters.orm.continuity import (
    FollowUp,
    HubRun,
    Incident,
    IncidentStep,
    Notice,
    PaperRange,
    RegisterRecord,
    SmsMessage,
    SystemStatus,
)
from core.adapters.orm.hall import Hall, Service, Window, WindowEvent
from core.adapters.orm.printing import PrintJob
from core.adapters.orm.ratings import Rating, RatingUpload, RatingWorkOrder
from core.adapters.orm.reports import (
    ReportDay,
    ReportMonth,
    report_cells,
    report_duties,
    report_spread_months,
    report_spreads,
)
from core.adapters.orm.tickets import (
    IdempotencyKey,
    NumberCounter,
    Ticket,
    TicketEvent,
)

__all__ = [
    "ApiToken",
    "Appointment",
    "AuditEntry",
    "Base",
    "Device",
    "Enrolment",
    "FollowUp",
    "Hall",
    "HubRun",
    "IdempotencyKey",
    "Incident",
    "IncidentStep",
    "Notice",
    "NumberCounter",
    "PaperRange",
    "PrintJob",
    "Rating",
    "RatingUpload",
    "RatingWorkOrder",
    "RegisterRecord",
    "ReportDay",
    "ReportMonth",
    "Service",
    "SmsCode",
    "SmsMessage",
    "Staff",
    "SystemStatus",
    "Ticket",
    "TicketEvent",
    "UTCDateTime",
    "Window",
    "WindowEvent",
    "report_cells",
    "report_duties",
    "report_spread_months",
    "report_spreads",
]
