"""The e-mails of purchasing; templates in templates/emails/parts_*.

Kinds (after the ``parts.`` prefix) are joined to the app's outbox handler through
``MESSAGES``: kind → (load the record by id, send).
"""

from aftersales import emails, roles

from .models import PurchasePlan, StockLevel, SupplierDocument


def safety_alert(level: StockLevel) -> int:
    """Tell the warehouse's keepers and purchasing that a part fell below its safety stock."""
    if level.below_safety_since is None:
        return 0  # restocked since the alert was written
    people = [*level.warehouse.keepers.filter(is_active=True), *roles.holders(roles.PURCHASING)]
    return emails.send("parts_safety_alert", emails.addresses(people), {"level": level})


def document_expiring(document: SupplierDocument) -> int:
    """Remind purchasing that a supplier's qualification document is about to lapse."""
    return emails.send(
        "parts_document_expiring", emails.addresses(roles.holders(roles.PURCHASING)), {"document": document}
    )


def plan_submitted(plan: PurchasePlan) -> int:
    """Ask the after-sales manager to approve the purchase plan."""
    if plan.state != PurchasePlan.State.SUBMITTED:
        return 0
    return emails.send(
        "parts_plan_submitted", emails.addresses(roles.holders(roles.AFTERSALES_MANAGER)), {"plan": plan}
    )


def _level(pk):
    return StockLevel.objects.select_related("part", "warehouse").get(pk=pk)


def _document(pk):
    return SupplierDocument.objects.select_related("supplier").get(pk=pk)


def _plan(pk):
    return PurchasePlan.objects.get(pk=pk)


MESSAGES = {
    "safety_alert": (_level, safety_alert),
    "document_expiring": (_document, document_expiring),
    "plan_submitted": (_plan, plan_submitted),
}
