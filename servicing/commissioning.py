"""What commissioning shows elsewhere: badges on the deliveries tab and entries of the unit history."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .history import HistoryEntry
from .models import CommissioningReport
from .selectors import commissioning_reports_visible_to

_TONES = {CommissioningReport.Result.PASSED: "success", CommissioningReport.Result.FAILED: "danger"}


def _badge_text(report) -> str:
    if report.state == CommissioningReport.State.ACCEPTED:
        # Only a passed commissioning is accepted (services.commissioning_accept).
        return _("Commissioned on %(date)s (passed)") % {"date": f"{report.customer_acceptance_date:%Y-%m-%d}"}
    if report.state == CommissioningReport.State.COMPLETED:
        return _("Commissioning signed (%(result)s), awaiting acceptance") % {"result": report.get_result_display()}
    planned = timezone.localtime(report.visit.planned_start)
    return _("Commissioning planned for %(date)s") % {"date": f"{planned:%Y-%m-%d}"}


def commissioning_badges(user, deliveries) -> dict:
    """Return {delivery pk: [Badge]}: the latest commissioning of each unit, in one query."""
    from customers.annotations import Badge

    badges: dict[int, list] = {}
    reports = (
        commissioning_reports_visible_to(user)
        .filter(visit__delivery__in=[d.pk for d in deliveries])
        .select_related("visit")
        .order_by("visit__delivery", "-created_at", "-id")
    )
    for report in reports:
        delivery_pk = report.visit.delivery_id
        if delivery_pk in badges:
            continue  # an older report of the same unit
        tone = _TONES.get(report.result, "secondary") if report.state != CommissioningReport.State.DRAFT else "info"
        badges[delivery_pk] = [Badge(_badge_text(report), report.get_absolute_url(), tone)]
    if user.has_perm("servicing.dispatch_commissioning"):
        url = reverse("servicing:commissioning_dispatch")
        for delivery in deliveries:
            if delivery.pk not in badges:
                badges[delivery.pk] = [Badge(_("Dispatch commissioning"), f"{url}?delivery={delivery.pk}", "light")]
    return badges


def commissioning_history(user, serial: str) -> list[HistoryEntry]:
    """Return the unit's commissioning reports the user may see (one query)."""
    reports = (
        commissioning_reports_visible_to(user)
        .filter(visit__delivery__serial_number=serial.upper())
        .select_related("visit__engineer")
    )
    return [
        HistoryEntry(
            when=report.customer_acceptance_date or report.visit.actual_start or report.visit.planned_start,
            kind=_("Commissioning"),
            title=f"{report.number} {report.visit.engineer}",
            detail=f"{report.get_state_display()} · {report.get_result_display()}",
            url=report.get_absolute_url(),
        )
        for report in reports
    ]
