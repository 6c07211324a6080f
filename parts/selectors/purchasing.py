"""What each user may see of purchase plans, receipts, suppliers and stock alerts.

Purchasing, the after-sales manager and management (who may read suppliers) see every plan
and every warehouse's alerts; a warehouse keeper sees the plan lines, receipts and alerts of
the warehouses they keep, and nothing of the suppliers.
"""

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.http import Http404

from ..models import PurchasePlan, PurchasePlanLine, StockLevel, Supplier


def sees_all(user) -> bool:
    return user.has_perm("parts.view_supplier")


def plans_visible_to(user):
    plans = PurchasePlan.objects.all()
    if sees_all(user):
        return plans
    if not user.has_perm("parts.view_purchaseplan"):
        return plans.none()
    return plans.filter(pk__in=lines_visible_to(user).values("plan_id"))


def lines_visible_to(user):
    lines = PurchasePlanLine.objects.select_related("part", "warehouse", "supplier")
    if sees_all(user):
        return lines
    if not user.has_perm("parts.view_purchaseplan"):
        return lines.none()
    return lines.filter(warehouse__keepers=user)


def plan_get(*, user, pk) -> PurchasePlan:
    plan = plans_visible_to(user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def line_get(*, user, pk) -> PurchasePlanLine:
    line = lines_visible_to(user).select_related("plan").filter(pk=pk).first()
    if line is None:
        raise Http404
    return line


def suppliers_visible_to(user):
    return Supplier.objects.all() if user.has_perm("parts.view_supplier") else Supplier.objects.none()


def supplier_get(*, user, pk) -> Supplier:
    supplier = suppliers_visible_to(user).filter(pk=pk).first()
    if supplier is None:
        raise Http404
    return supplier


def alert_levels(user):
    """Levels whose available stock is under the effective safety or minimum stock, worst first."""
    levels = StockLevel.objects.annotate(
        safety=Coalesce("safety_stock", "part__safety_stock"),
        minimum=Coalesce("min_stock", "part__min_stock"),
        free=F("on_hand") - F("reserved"),
    ).filter(Q(safety__gt=F("free")) | Q(minimum__gt=F("free")), part__is_active=True)
    if not sees_all(user):
        if not user.has_perm("parts.view_stocklevel"):
            return levels.none()
        levels = levels.filter(warehouse__keepers=user)
    return levels.select_related("part", "warehouse").order_by("free", "part__code", "warehouse__code")
