from celery import shared_task

from .services import remind_expiring_documents, sweep_reorder, sweep_safety


@shared_task
def check_reorder():
    """Propose every stock level below its minimum without an open plan line; alert safety crossings missed."""
    return {"proposed": sweep_reorder(), "safety_checked": sweep_safety()}


@shared_task
def remind_supplier_documents():
    """E-mail purchasing about supplier documents about to lapse, once per document and expiry."""
    return remind_expiring_documents()
