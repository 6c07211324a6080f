"""The staff app's scheduled work (CELERY_BEAT_SCHEDULE in aftersales/settings/base.py)."""

from celery import shared_task

from .services.care import greetings_list_due
from .services.training import send_reminders


@shared_task
def remind_training():
    """Queue the reminders of sessions starting within a day, once per attendee and start time."""
    return send_reminders()


@shared_task
def list_greetings():
    """List today's birthday and festival greetings and mail each salesperson their new ones, once (07:30)."""
    return greetings_list_due()
