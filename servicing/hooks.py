"""What service work adds to the pages of the apps below it (complaints, customers).

Those apps never import servicing: they offer registration hooks, filled here from
``ServicingConfig.ready``.
"""

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from aftersales import outbox
from complaints.closing import CloseSection, register_close_section
from complaints.guards import register_guard
from complaints.models import Complaint
from complaints.panels import register_panel
from complaints.waiting import register_steps
from complaints.work import register_work_section
from customers.annotations import register_delivery_annotation
from customers.serial_links import SerialLink, register_serial_link
from customers.tabs import Tab, register_tab

from . import emails, history, quotes_hooks, unit_sources
from .commissioning import commissioning_badges, commissioning_history
from .history import register_source
from .knowledge import similar_cases
from .models import CaseSummary

SUMMARY_FIELDS = ["problem", "cause", "solution", "keywords"]


def register() -> None:
    register_tab(Tab("visits", _("Service visits"), "servicing:customer_visits", "servicing.view_servicevisit", 50))
    register_tab(Tab("returns", _("Returns"), "servicing:customer_returns", "servicing.view_returnrecord", 60))
    register_panel("servicing/panels/case_summary.html", order=50, column="main", context=case_summary_context)
    register_panel("servicing/panels/service_records.html", order=50, column="side_end", context=records_context)
    register_close_section(
        CloseSection("case_summary", _("Case summary for the knowledge base"), summary_fields, summary_save)
    )
    outbox.register("servicing", emails.deliver)
    register_plans()
    register_property()
    register_unit_history()
    register_commissioning()
    register_quotes()


def register_quotes() -> None:
    """Repair quotes: no rectification out of warranty before the customer accepts one."""
    register_guard(Complaint.State.RECTIFYING, quotes_hooks.quote_gate)
    register_steps(quotes_hooks.quote_steps)
    register_panel("servicing/panels/quotes.html", order=40, column="side_end", context=quotes_hooks.quotes_context)
    history.register_source(quotes_hooks.quote_history)


def register_plans() -> None:
    """Service plans: the complaint a finding opened, the engineer's planned visits, unit history, e-mail."""
    from .history import register_source

    register_panel("servicing/panels/finding.html", order=5, column="side", context=finding_context)
    register_work_section("servicing/work/planned_visits.html", planned_visits_context, order=50)
    register_source(finding_history)


def finding_context(request, complaint):
    """Show where the complaint came from when an inspection opened it (one query)."""
    from .selectors import complaint_finding

    if complaint.channel != Complaint.Channel.VISIT:
        return False  # a finding opens its complaint with the channel "visit": others need no query
    finding = complaint_finding(complaint=complaint)
    return {"finding": finding, "visit": finding.visit} if finding else False


def planned_visits_context(request):
    from django.utils import timezone

    from .selectors import my_planned_visits

    visits = my_planned_visits(user=request.user)
    return {"visits": visits, "now": timezone.now()} if visits else None


def finding_history(user, serial: str) -> list:
    """Return the inspection findings recorded on the unit, as unit-history entries (one query)."""
    from .history import HistoryEntry
    from .models import Finding
    from .selectors import visits_visible_to

    if not user.has_perm("servicing.view_finding"):
        return []
    rows = Finding.objects.filter(serial_number=serial, visit__in=visits_visible_to(user)).select_related(
        "visit__plan", "complaint", "sheet"
    )
    return [
        HistoryEntry(
            when=finding.recorded_at,
            kind=str(_("Inspection finding")),
            title=f"{finding.opened.number} {finding.visit.plan.name}",
            detail=finding.get_severity_display(),
            url=finding.visit.get_absolute_url(),
        )
        for finding in rows
    ]


# --- customer property and the unit history ----------------------------------------------


def register_property() -> None:
    register_tab(
        Tab(
            "property", _("Property in our hands"), "servicing:customer_property", "servicing.view_customerproperty", 70
        )
    )
    register_work_section("servicing/work/property.html", property_waiting_context, order=60)


def property_waiting_context(request):
    """Return the customer property waiting on this user (custody, an unreported loss, closing)."""
    from .selectors import property_waiting_on

    if not request.user.has_perm("servicing.view_customerproperty"):
        return None
    rows = list(property_waiting_on(request.user))
    return {"rows": rows} if rows else None


def register_unit_history() -> None:
    for source in unit_sources.SOURCES:
        history.register_source(source)
    register_serial_link(
        SerialLink("unit_history", _("Unit history"), "servicing:unit_history", "customers.view_delivery")
    )
    register_panel("servicing/panels/unit_history.html", order=40, column="side_end", context=unit_history_context)


def unit_history_context(request, complaint):
    """Offer the unit history on the page of a complaint about a known unit (no query)."""
    if not complaint.serial_number:
        return False
    return {"serial": complaint.serial_number}


def register_commissioning() -> None:
    """Installation and commissioning: the deliveries tab's badges and the unit history."""
    register_delivery_annotation(commissioning_badges)
    register_source(commissioning_history)


# --- the complaint page -----------------------------------------------------------------


def _case_summary(complaint):
    try:
        return complaint.case_summary
    except ObjectDoesNotExist:
        return None


def case_summary_context(request, complaint) -> dict:
    return {"case_summary": _case_summary(complaint)}


def records_context(request, complaint) -> dict:
    """Return the visits, returns and follow-up calls of the complaint, one query each."""
    data = {
        "visits": list(complaint.visits.select_related("engineer")),
        "returns": list(complaint.returns.select_related("product_model")),
        "follow_ups": list(complaint.follow_ups.select_related("called_by")),
        "similar_cases": None,
    }
    if complaint.state in (Complaint.State.RECEIVED, Complaint.State.ANALYSING):
        data["similar_cases"] = similar_cases(complaint, user=request.user)
    return data


# --- closing a complaint ----------------------------------------------------------------


def summary_fields(*, user, complaint) -> dict:
    """Ask whoever may write the knowledge base for the case summary when closing."""
    if not user.has_perm("servicing.add_casesummary"):
        return {}
    widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in ["problem", "cause", "solution"]}
    fields = fields_for_model(CaseSummary, fields=SUMMARY_FIELDS, widgets=widgets)
    summary = _case_summary(complaint)
    if summary is not None:
        initial = {name: getattr(summary, name) for name in SUMMARY_FIELDS}
    else:
        c = complaint
        initial = {
            "problem": f"{c.title}\n{c.description}",
            "cause": c.responsibility_reason,
            "solution": c.disposal_plan,
        }
    for name, value in initial.items():
        fields[name].initial = value
    return fields


def summary_save(*, actor, complaint, data) -> None:
    from .services import case_summary_save

    case_summary_save(actor=actor, complaint=complaint, **data)
