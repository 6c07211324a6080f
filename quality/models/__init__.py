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
