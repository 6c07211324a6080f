from celery import shared_task

from .services.campaigns import run_daily


@shared_task
def run_campaigns():
    """Open campaigns on their opening date, close them after their closing date, invite and remind, once each."""
    return run_daily()
