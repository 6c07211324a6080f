"""The daily chase: overdue department tasks, actions due soon or overdue, verifications due.

Each reminder first claims its (kind, record, day) row in ReminderLog; the unique
constraint lets only one claim succeed, so a rerun or a second beat sends nothing more.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import CapaAction, DepartmentTask, QualitySheet, ReminderLog

DUE_SOON_DAYS = 3


def _claim(kind: str, object_id: int, today) -> bool:
    try:
        with transaction.atomic():
            ReminderLog.objects.create(kind=kind, object_id=object_id, sent_on=today)
    except IntegrityError:
        return False
    return True


def _send(kind: str, ids, today) -> int:
    from .tasks import send_quality_email

    sent = 0
    for pk in ids:
        with transaction.atomic():
            if _claim(kind, pk, today):
                send_quality_email.delay_on_commit(kind, pk)
                sent += 1
    return sent


def send_daily(today=None) -> dict[str, int]:
    """Queue today's reminders; return how many of each kind were newly claimed."""
    today = today or timezone.localdate()
    open_sheets = QualitySheet.State.DISTRIBUTED, QualitySheet.State.IN_PROGRESS
    tasks = DepartmentTask.objects.filter(done_at__isnull=True, due_date__lt=today, sheet__state__in=open_sheets)
    actions = CapaAction.objects.filter(state=CapaAction.State.OPEN)
    return {
        "task_overdue": _send("task_overdue", tasks.values_list("pk", flat=True), today),
        "capa_due_soon": _send(
            "capa_due_soon",
            actions.filter(due_date__gte=today, due_date__lte=today + timedelta(days=DUE_SOON_DAYS)).values_list(
                "pk", flat=True
            ),
            today,
        ),
        "capa_overdue": _send("capa_overdue", actions.filter(due_date__lt=today).values_list("pk", flat=True), today),
        "capa_verification_due": _send(
            "capa_verification_due",
            CapaAction.objects.filter(state=CapaAction.State.COMPLETED, verification_due__lte=today).values_list(
                "pk", flat=True
            ),
            today,
        ),
    }
