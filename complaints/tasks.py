from celery import shared_task

from . import emails, sla


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_complaint_email(kind: str, complaint_id: int, **extra):
    """Send one message about a complaint now (the outbox dispatcher calls the same code)."""
    return emails.deliver(kind, complaint_id, extra)


@shared_task
def sweep_service_levels():
    """Mark complaints at risk or breached, once each, and write their alerts to the outbox."""
    return sla.sweep()
