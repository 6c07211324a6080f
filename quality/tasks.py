from celery import shared_task

from . import emails, reminders


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_quality_email(kind: str, object_id: int, **extra):
    """Send one quality-chain message now (the outbox dispatcher calls the same code)."""
    return emails.deliver(kind, object_id, extra)


@shared_task
def send_daily_reminders():
    """Chase overdue tasks and actions and announce verifications due, once per record per day."""
    return reminders.send_daily()
