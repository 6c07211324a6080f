from celery import shared_task

from . import emails, sla
from .models import Complaint


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_complaint_email(kind: str, complaint_id: int, **extra):
    """Send one message about a complaint; retried when the mail server is away."""
    complaint = Complaint.objects.select_related("customer", "assignee").get(pk=complaint_id)
    emails.MESSAGES[kind](complaint, **extra)


@shared_task
def sweep_service_levels():
    """Mark complaints at risk or breached, once each, and queue their alerts."""
    return sla.sweep()
