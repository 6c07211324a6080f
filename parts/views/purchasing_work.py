"""Purchasing's items in "my work" and the stock alerts on the start page."""

import datetime

from django.conf import settings
from django.utils import timezone

from ..models import PurchasePlan, PurchasePlanLine, SupplierDocument
from ..selectors.purchasing import alert_levels

CAP = 20


def work_context(request):
    """Plans to approve (manager); lines to order and to receive, documents expiring (purchasing)."""
    user = request.user
    data = {}
    if user.has_perm("parts.approve_purchaseplan"):
        data["to_approve"] = list(PurchasePlan.objects.filter(state=PurchasePlan.State.SUBMITTED)[:CAP])
    if user.has_perm("parts.change_purchaseplanline"):
        lines = PurchasePlanLine.objects.select_related("plan", "part", "warehouse", "supplier")
        data["to_order"] = list(
            lines.filter(plan__state=PurchasePlan.State.APPROVED, state=PurchasePlanLine.State.OPEN)[:CAP]
        )
        data["to_receive"] = list(
            lines.filter(state__in=[PurchasePlanLine.State.ORDERED, PurchasePlanLine.State.PARTLY]).order_by(
                "promised_date", "pk"
            )[:CAP]
        )
        data["expiring"] = list(expiring_documents()[:CAP])
    return data if any(data.values()) else None


def expiring_documents():
    today = timezone.localdate()
    until = today + datetime.timedelta(days=getattr(settings, "PARTS_DOCUMENT_REMINDER_DAYS", 30))
    return SupplierDocument.objects.filter(valid_until__lte=until, supplier__is_active=True).select_related("supplier")


def home_alerts_card(request) -> list:
    """The start page's stock alerts for warehouse and purchasing staff (one capped query)."""
    user = request.user
    if not (user.has_perm("parts.view_purchaseplan") and user.has_perm("parts.view_stocklevel")):
        return []
    return list(alert_levels(user)[:10])


def home_work_card(request):
    """What waits on purchasing, on the start page of those who have no "my work" page (no complaints)."""
    if request.user.has_perm("complaints.view_complaint"):
        return None
    return work_context(request)
