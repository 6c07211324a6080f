import logging

from celery import shared_task
from django.conf import settings

from . import exporting, outbox

logger = logging.getLogger(__name__)


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
    try:
        for _ in range(max(helpers, 0)):
            dispatch_outbox.apply_async()
    except Exception:  # noqa: BLE001 — without helpers this run still sends, only slower
        logger.warning("Outbox: could not ask other workers to help with the backlog.", exc_info=True)
    return {"backlog": backlog, **outbox.dispatch()}


@shared_task(ignore_result=True)
def check_import(job_id):
    """Check every row of an uploaded import file and store what is wrong."""
    from . import importing

    importing.run_check(job_id)


@shared_task(ignore_result=True)
def write_import(job_id):
    """Write a confirmed import, all rows or none."""
    from . import importing

    importing.run_write(job_id)


@shared_task(ignore_result=True)
def sweep_spreadsheet_jobs():
    """Queue again the import steps and exports that a lost message or a dead worker left waiting."""
    from . import importing

    return importing.sweep()


@shared_task(ignore_result=True)
def run_export(job_id):
    """Write the file of one background export job."""
    exporting.run_export(job_id)


@shared_task(ignore_result=True)
def purge_spreadsheet_files():
    """Delete the uploaded files and reports of spreadsheet jobs past their keeping time."""
    from . import importing

    return importing.purge_files()
