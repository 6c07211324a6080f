from .complaint import (  # noqa: F401
    ALERT_LABELS,
    REPEAT_WINDOW,
    Attachment,
    Complaint,
    ComplaintEvent,
    PausePeriod,
    Severity,
    SlaPolicy,
    SlaStatus,
)
