from celery import shared_task

from .services.training import send_reminders


@shared_task
def remind_training():
    """Queue the reminders of sessions starting within a day, once per attendee and start time."""
    return send_reminders()
