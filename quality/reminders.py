"""The daily chase: overdue department tasks, actions due soon or overdue, verifications due.

Each reminder claims its (kind, record, day) row in ReminderLog and writes its outbox
message in the same transaction; the unique constraint lets only one claim succeed, so
a rerun or a second beat sends nothing more, and a claim without its message cannot exist.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from aftersales import outbox

from .models import CapaAction, DepartmentTask, QualitySheet, ReminderLog

DUE_SOON_DAYS = 3


def _send(kind: str, ids, today) -> int:
    """Claim each record's reminder for the day and write its message in the same transaction."""
    sent = 0
    for pk in ids:
        try:
            with transaction.atomic():
                ReminderLog.objects.create(kind=kind, object_id=pk, sent_on=today)
                outbox.enqueue(f"quality.{kind}", pk, key=f"quality.{kind}:{pk}:{today.isoformat()}", kick_after=False)
        except IntegrityError:
            continue  # claimed already today: by an earlier run or a second beat
        sent += 1
    return sent


def send_daily(today=None) -> dict[str, int]:
    """Queue today's reminders; return how many of each kind were newly claimed."""
    today = today or timezone.localdate()
    open_sheets = QualitySheet.State.DISTRIBUTED, QualitySheet.State.IN_PROGRESS
    tasks = DepartmentTask.objects.filter(done_at__isnull=True, due_date__lt=today, sheet__state__in=open_sheets)
    actions = CapaAction.objects.filter(state=CapaAction.State.OPEN)
    counts = {
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
    if any(counts.values()):
        outbox.kick()
    return counts
