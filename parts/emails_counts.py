"""One function per message about counts and scrap; templates in templates/emails/parts_count_* and parts_scrap_*.

The outbox stores the kind and the record's id; ``deliver`` (joined into ``parts.emails``)
loads the record afresh and sends.
"""

from aftersales import emails, roles

from .models import ScrapRequest, StockCount


def _managers():
    return roles.holders(roles.AFTERSALES_MANAGER)


def _keepers(warehouse):
    return warehouse.keepers.filter(is_active=True)


def count_submitted(count: StockCount) -> int:
    """Ask the after-sales manager to review the variances of a submitted count."""
    if count.state != StockCount.State.SUBMITTED:
        return 0  # decided since the message was written
    return emails.send("parts_count_submitted", emails.addresses(_managers()), {"count": count})


def count_approved(count: StockCount) -> int:
    """Tell the keepers of the warehouse that the count may be posted."""
    return emails.send("parts_count_approved", emails.addresses(_keepers(count.warehouse)), {"count": count})


def count_sent_back(count: StockCount, note: str = "") -> int:
    """Tell the keepers of the warehouse that the count goes back, and why."""
    context = {"count": count, "note": note}
    return emails.send("parts_count_sent_back", emails.addresses(_keepers(count.warehouse)), context)


def scrap_submitted(scrap: ScrapRequest) -> int:
    """Ask the after-sales manager to decide on a scrap request."""
    if scrap.state != ScrapRequest.State.SUBMITTED:
        return 0
    return emails.send("parts_scrap_submitted", emails.addresses(_managers()), {"scrap": scrap})


def scrap_approved(scrap: ScrapRequest) -> int:
    """Tell the requester (and the keepers, who post it) that the write-off is approved."""
    people = [scrap.requested_by, *_keepers(scrap.warehouse)]
    return emails.send("parts_scrap_approved", emails.addresses(people), {"scrap": scrap})


def scrap_rejected(scrap: ScrapRequest) -> int:
    """Tell the requester that the write-off was rejected, and why."""
    return emails.send("parts_scrap_rejected", emails.addresses([scrap.requested_by]), {"scrap": scrap})


def _count(pk):
    return StockCount.objects.select_related("warehouse", "started_by", "approved_by").get(pk=pk)


def _scrap(pk):
    return ScrapRequest.objects.select_related("warehouse", "requested_by", "decided_by").get(pk=pk)


# kind → (load the record by id, send)
MESSAGES = {
    "count_submitted": (_count, count_submitted),
    "count_approved": (_count, count_approved),
    "count_sent_back": (_count, count_sent_back),
    "scrap_submitted": (_scrap, scrap_submitted),
    "scrap_approved": (_scrap, scrap_approved),
    "scrap_rejected": (_scrap, scrap_rejected),
}
