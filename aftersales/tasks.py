from celery import shared_task
from django.conf import settings

from . import outbox


@shared_task(ignore_result=True)
def dispatch_outbox():
    """Send the notifications that are due; any number of these may run at once."""
    return outbox.dispatch()


@shared_task(ignore_result=True)
def sweep_outbox():
    """Send what the after-commit kicks missed; spread a large backlog over several workers."""
    backlog = outbox.backlog()
    if not backlog:
        return {"backlog": 0}
    helpers = min(settings.OUTBOX_DISPATCHERS, -(-backlog // settings.OUTBOX_ROWS_PER_DISPATCHER)) - 1
    for _ in range(max(helpers, 0)):
        dispatch_outbox.apply_async()
    return {"backlog": backlog, **outbox.dispatch()}
