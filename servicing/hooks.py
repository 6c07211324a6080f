"""What service work adds to the pages of the apps below it (complaints, customers).

Those apps never import servicing: they offer registration hooks, filled here from
``ServicingConfig.ready``.
"""

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from complaints.closing import CloseSection, register_close_section
from complaints.models import Complaint
from complaints.panels import register_panel
from customers.tabs import Tab, register_tab

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
