"""What counts and scrap add to "my work", and the import of counted quantities."""

from django.db.models import Q

from complaints.work import register_work_section

LIMIT = 20


def register() -> None:
    from . import importers_counts  # noqa: F401 — registers the import of counted quantities

    register_work_section("parts/work/counts.html", counts_work_context, order=60, permission="parts.move_stock")


def counts_work_context(request):
    """Counts and scrap waiting on this user: to approve (manager), to count or post (keeper)."""
    from .models import ScrapRequest, StockCount

    user = request.user
    if not user.is_authenticated:
        return None
    data = {}
    if user.has_perm("parts.approve_stockcount"):
        data["counts_to_approve"] = list(_counts(StockCount.objects.filter(state="submitted")))
    if user.has_perm("parts.approve_scraprequest"):
        data["scrap_to_approve"] = list(_scrap(ScrapRequest.objects.filter(state="submitted")))
    if user.has_perm("parts.move_stock"):
        mine = Q() if user.is_superuser else Q(warehouse__keepers=user)
        data["counts_to_do"] = list(_counts(StockCount.objects.filter(mine, state__in=("counting", "approved"))))
        data["scrap_to_post"] = list(_scrap(ScrapRequest.objects.filter(mine, state="approved")))
    return data if any(data.values()) else None


def _counts(queryset):
    return queryset.select_related("warehouse").order_by("started_at", "id").distinct()[:LIMIT]


def _scrap(queryset):
    return queryset.select_related("warehouse", "requested_by").order_by("submitted_at", "id").distinct()[:LIMIT]
