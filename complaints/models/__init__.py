from .complaint import (  # noqa: F401
    ALERT_LABELS,
    Attachment,
    Complaint,
    ComplaintEvent,
    PausePeriod,
    Severity,
    SlaPolicy,
    SlaStatus,
)
