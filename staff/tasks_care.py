"""The daily listing of greetings due (scheduled in CELERY_BEAT_SCHEDULE, 07:30 Beijing time)."""

from celery import shared_task

from .services.care import greetings_list_due


@shared_task
def list_greetings():
    """List today's birthday and festival greetings and mail each salesperson their new ones, once."""
    return greetings_list_due()
