"""The spare-parts notifications of the outbox; templates in templates/emails/parts_*.

One handler for the whole app (registered in parts.hooks): each area adds its kinds to
``MESSAGES``. The outbox stores a kind and a record id; ``deliver`` loads the record
afresh and sends.
"""

from django.contrib.auth import get_user_model

from aftersales import emails, roles

from . import emails_counts, emails_purchasing
from .models import Requisition


def _managers():
    return roles.holders(roles.AFTERSALES_MANAGER)


def requisition_submitted(requisition: Requisition) -> int:
    """Ask the after-sales managers to approve or reject."""
    return emails.send("parts_requisition_submitted", emails.addresses(_managers()), {"requisition": requisition})


def requisition_approved(requisition: Requisition) -> int:
    """Tell the keepers of the lines' warehouses what to issue, and the requester that it is approved."""
    keepers = (
        get_user_model()
        .objects.filter(kept_warehouses__in=requisition.lines.values("warehouse"), is_active=True)
        .distinct()
    )
    people = [requisition.requester, *keepers]
    return emails.send("parts_requisition_approved", emails.addresses(people), {"requisition": requisition})


def requisition_rejected(requisition: Requisition) -> int:
    return emails.send(
        "parts_requisition_rejected", emails.addresses([requisition.requester]), {"requisition": requisition}
    )


def requisition_issued(requisition: Requisition) -> int:
    return emails.send(
        "parts_requisition_issued", emails.addresses([requisition.requester]), {"requisition": requisition}
    )


def _requisition(pk):
    related = ("requester", "complaint__customer", "visit__customer", "target_warehouse", "decided_by")
    return Requisition.objects.select_related(*related).get(pk=pk)


# kind → (load the record by id, send); counts, scrap and purchasing keep theirs in their modules.
MESSAGES = {
    **emails_counts.MESSAGES,
    **emails_purchasing.MESSAGES,
    "requisition_submitted": (_requisition, requisition_submitted),
    "requisition_approved": (_requisition, requisition_approved),
    "requisition_rejected": (_requisition, requisition_rejected),
    "requisition_issued": (_requisition, requisition_issued),
}


def deliver(kind: str, object_id: int, extra: dict) -> int:
    """Send the outbox's spare-parts notification ``kind``; return the count sent."""
    load, send = MESSAGES[kind]
    return send(load(object_id), **extra)
