"""The steps of a requisition's page: which the user may take now, their forms, and running them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from complaints import rules
from servicing.selectors import visits_visible_to

from ..forms.requisitions import NoteForm, QuantitiesForm, ReasonForm
from ..models import Requisition
from ..selectors import requisitions as selectors
from ..services import requisitions as services

State = Requisition.State
STEPS = ("submit", "approve", "reject", "issue", "return", "close", "cancel")
RETURNABLE = (State.PARTLY_ISSUED, State.ISSUED, State.CLOSED)


def _kept(user) -> set | None:
    """The warehouses the user keeps (None: all of them, for a superuser)."""
    if not user.has_perm("parts.move_stock"):
        return set()
    return None if user.is_superuser else set(user.kept_warehouses.values_list("pk", flat=True))


def _mine(lines, kept, attribute):
    return [line for line in lines if getattr(line, attribute) > 0 and (kept is None or line.warehouse_id in kept)]


def _fsm_may(requisition, name, user) -> bool:
    transitions = getattr(Requisition, name)._django_fsm
    return transitions.has_transition(requisition.state) and transitions.has_transition_perm(
        requisition, requisition.state, user
    )


def build_forms(request, requisition, lines, data=None, only=None) -> dict:
    """Return the form of every step the user may take now (``only``: just that one, bound to ``data``)."""
    user, kept = request.user, _kept(request.user)
    bound = {}

    def want(name):
        return only in (None, name)

    def given(name):
        return data if only == name else None

    if want("submit") and _fsm_may(requisition, "submit", user):
        bound["submit"] = NoteForm(given("submit"))
    if want("approve") and _fsm_may(requisition, "approve", user):
        bound["approve"] = QuantitiesForm(
            given("approve"), lines=lines, limit=lambda line: line.quantity_requested,
            initial_for=lambda line: line.quantity_requested,
        )  # fmt: skip
    if want("reject") and _fsm_may(requisition, "reject", user):
        bound["reject"] = ReasonForm(given("reject"))
    issuable = _mine(lines, kept, "outstanding")
    if want("issue") and issuable and _fsm_may(requisition, "issue", user):
        bound["issue"] = QuantitiesForm(
            given("issue"),
            lines=issuable,
            limit=lambda line: line.outstanding,
            initial_for=lambda line: line.outstanding,
        )
    returnable = _mine(lines, kept, "returnable")
    purpose_ok = requisition.purpose != Requisition.Purpose.RESTOCK
    if want("return") and returnable and purpose_ok and requisition.state in RETURNABLE:
        bound["return"] = QuantitiesForm(
            given("return"), lines=returnable, limit=lambda line: line.returnable,
            initial_for=lambda line: 0, with_reason=True,
        )  # fmt: skip
    if want("close") and _fsm_may(requisition, "close", user):
        bound["close"] = NoteForm(given("close"))
    if want("cancel") and _fsm_may(requisition, "cancel", user):
        bound["cancel"] = ReasonForm(given("cancel"))
    return bound


def waiting_lines(requisition, lines) -> list[str]:
    """Say what the requisition waits for and on whom."""
    if requisition.state == State.DRAFT:
        return [_("%(who)s to submit it for approval") % {"who": requisition.requester}]
    if requisition.state == State.SUBMITTED:
        return [_("the after-sales manager to approve or reject it")]
    if requisition.state in (State.APPROVED, State.PARTLY_ISSUED):
        names = sorted({line.warehouse.name for line in lines if line.outstanding > 0})
        return [_("the keeper of %(warehouse)s to issue the parts") % {"warehouse": name} for name in names]
    if requisition.state == State.ISSUED:
        # Returns are posted by the keeper who takes the parts back; the engineer closes.
        names = "、".join(sorted({line.warehouse.name for line in lines}))
        return [
            _("%(who)s to bring unused parts back to the keeper of %(warehouses)s, who returns them to stock")
            % {"who": requisition.requester, "warehouses": names},
            _("%(who)s to close it when nothing more comes back") % {"who": requisition.requester},
        ]
    return []


def render_detail(request, requisition, forms=None, status=200):
    lines = selectors.requisition_lines(requisition)
    forms = {**build_forms(request, requisition, lines), **(forms or {})}
    context = {
        "requisition": requisition,
        "lines": lines,
        "events": selectors.requisition_events(requisition),
        "forms": forms,
        "waiting_lines": waiting_lines(requisition, lines),
        "can_edit": requisition.state == State.DRAFT and requisition.requester_id == request.user.pk,
        **_links(request.user, requisition),
    }
    return render(request, "parts/requisitions/detail.html", context, status=status)


def _links(user, requisition) -> dict:
    """Whether the complaint and the visit may be opened by this user: link them only then."""
    complaint, visit = requisition.complaint, requisition.visit
    return {
        "open_complaint": complaint is not None
        and user.has_perm("complaints.view_complaint")
        and rules.can_see(complaint, user),
        "open_visit": visit is not None and visits_visible_to(user).filter(pk=visit.pk).exists(),
    }


def _call(step, actor, requisition, form):
    data = form.cleaned_data
    if step == "submit":
        return services.requisition_submit(actor=actor, requisition=requisition)
    if step == "approve":
        return services.requisition_approve(actor=actor, requisition=requisition, quantities=form.quantities())
    if step == "reject":
        return services.requisition_reject(actor=actor, requisition=requisition, reason=data["reason"])
    if step == "issue":
        return services.requisition_issue(actor=actor, requisition=requisition, quantities=form.quantities())
    if step == "return":
        quantities, reason = form.quantities(), data["reason"]
        return services.requisition_return(actor=actor, requisition=requisition, quantities=quantities, reason=reason)
    if step == "close":
        return services.requisition_close(actor=actor, requisition=requisition, note=data["note"])
    return services.requisition_cancel(actor=actor, requisition=requisition, reason=data["reason"])


def _done_message(step, number) -> str:
    messages_by_step = {
        "submit": _("Requisition %(number)s submitted for approval."),
        "approve": _("Requisition %(number)s approved; the parts are reserved."),
        "reject": _("Requisition %(number)s rejected."),
        "issue": _("Parts of requisition %(number)s issued."),
        "return": _("Parts of requisition %(number)s returned to stock."),
        "close": _("Requisition %(number)s closed."),
        "cancel": _("Requisition %(number)s cancelled."),
    }
    return messages_by_step[step] % {"number": number}


def run_step(request, requisition, step):
    """Run ``step`` from its posted form; show the page again with the errors when refused."""
    lines = selectors.requisition_lines(requisition)
    forms = build_forms(request, requisition, lines, data=request.POST, only=step)
    form = forms.get(step)
    if form is None:
        if requisition.state in Requisition.OPEN_STATES or step == "return":
            raise PermissionDenied
        messages.error(request, _("This step is not possible now."))
        return redirect(requisition)
    if form.is_valid():
        try:
            _call(step, request.user, requisition, form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _done_message(step, requisition.number))
            return redirect(requisition)
    return render_detail(request, requisition, forms={step: form}, status=400)
