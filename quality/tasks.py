from celery import shared_task

from . import emails, reminders
from .models import CapaAction, DepartmentTask, QualitySheet


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_quality_email(kind: str, object_id: int, **extra):
    """Send one quality-chain message; retried when the mail server is away."""
    if kind in emails.SHEET_MESSAGES:
        sheet = QualitySheet.objects.select_related("customer__salesperson", "investigator", "raised_by").get(
            pk=object_id
        )
        return emails.SHEET_MESSAGES[kind](sheet, **extra)
    if kind in emails.TASK_MESSAGES:
        task = DepartmentTask.objects.select_related("sheet", "owner").get(pk=object_id)
        return emails.TASK_MESSAGES[kind](task)
    action = CapaAction.objects.select_related("owner", "sheet").get(pk=object_id)
    return emails.CAPA_MESSAGES[kind](action)


@shared_task
def send_daily_reminders():
    """Chase overdue tasks and actions and announce verifications due, once per record per day."""
    return reminders.send_daily()
