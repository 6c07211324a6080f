from .capa import CapaAction, CapaCheck, CapaEvent, CapaSource, ReminderLog  # noqa: F401
from .sheet import (  # noqa: F401
    Assessment,
    DepartmentTask,
    QualitySheet,
    RootCause,
    SheetComplaint,
    SheetEvent,
    SheetFile,
)
from .supervision import (  # noqa: F401
    SITE_SURVEYS_PER_YEAR,
    CheckFinding,
    CheckItem,
    CheckScore,
    ServiceUnit,
    SupervisionCheck,
    SupervisionEvent,
)
