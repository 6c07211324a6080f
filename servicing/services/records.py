"""Service visits, returns, follow-up calls and case summaries."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.audit import field_changes, snapshot
from complaints import rules
from complaints.models import Complaint, ComplaintEvent
from complaints.services.complaint import _event, _locked, complaint_reopen
from customers.permissions import can_see as can_see_customer

from .. import dates
from ..models import CaseSummary, FollowUp, ReturnRecord, ServiceVisit

__all__ = [
    "visit_save",
    "visit_accept_internal",
    "return_save",
    "follow_up_log",
    "case_summary_save",
]


RETURN_DATES = ("requested_on", "received_on", "closed_on")


def last_visit_end(complaint: Complaint):
    """Return when the complaint's last service visit ended (None without a finished visit)."""
    return complaint.visits.aggregate(last=Max("actual_end"))["last"]


def _check_complaint(actor, customer, complaint):
    if complaint is not None:
        if complaint.customer_id != customer.pk:
            raise ValidationError(_("The complaint belongs to another customer."), code="customer")
        if not rules.can_see(complaint, actor):
            raise PermissionDenied
    elif not can_see_customer(actor, customer):
        raise PermissionDenied


def _save(instance, data) -> list[dict] | None:
    """Save ``data`` on ``instance``; return its field changes, or None when nothing changed."""
    if instance._state.adding:
        # Every given field is new; reading an unset required FK would raise.
        for name, value in data.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance.save()
        return []
    before = snapshot(instance, data)
    for name, value in data.items():
        setattr(instance, name, value)
    changes = field_changes(instance, before)
    if not changes:
        return None
    instance.full_clean()
    instance.save()
    return changes


@transaction.atomic
def visit_save(*, actor, visit: ServiceVisit | None = None, **data) -> ServiceVisit:
    """Dispatch an engineer (new visit) or record what was done on the visit."""
    adding = visit is None
    if not actor.has_perm("servicing.add_servicevisit" if adding else "servicing.change_servicevisit"):
        raise PermissionDenied
    if adding:
        visit = ServiceVisit(dispatched_by=actor, customer=data.pop("customer"), complaint=data.pop("complaint", None))
    else:
        visit = ServiceVisit.objects.select_for_update().get(pk=visit.pk)
        if visit.is_archived:
            raise ValidationError(_("An accepted visit record is archived and cannot change."), code="archived")
        data.pop("customer", None)
        data.pop("complaint", None)
    _check_complaint(actor, visit.customer, visit.complaint)
    engineer = data.get("engineer")
    if engineer is not None and not engineer.has_perm("complaints.handle_complaint"):
        raise ValidationError(_("%(name)s is not an after-sales engineer."), params={"name": engineer}, code="engineer")
    dates.raise_problems(
        dates.visit_problems(
            planned_start=data.get("planned_start", visit.planned_start),
            planned_end=data.get("planned_end", visit.planned_end),
            actual_start=data.get("actual_start", visit.actual_start),
            actual_end=data.get("actual_end", visit.actual_end),
            acceptance_date=data.get("customer_acceptance_date", visit.customer_acceptance_date),
        )
    )
    changes = _save(visit, data)
    if not visit.complaint_id or changes is None:
        return visit
    if adding:
        note = _("%(engineer)s dispatched for %(date)s") % {
            "engineer": visit.engineer,
            "date": f"{timezone.localtime(visit.planned_start):%Y-%m-%d %H:%M}",
        }
        _event(visit.complaint, actor, ComplaintEvent.Action.VISIT, note)
    else:
        _event(visit.complaint, actor, ComplaintEvent.Action.VISIT, changes=changes)
    return visit


@transaction.atomic
def visit_accept_internal(*, actor, visit: ServiceVisit) -> ServiceVisit:
    """Give the internal acceptance that archives a visit record."""
    if not actor.has_perm("servicing.accept_servicevisit"):
        raise PermissionDenied
    visit = ServiceVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.is_archived:
        raise ValidationError(_("This visit is already accepted."), code="accepted")
    if not visit.actual_end or not visit.work_done.strip() or not visit.customer_acceptance_name.strip():
        raise ValidationError(
            _("Record the actual times, the work done and the customer's acceptance before accepting."),
            code="incomplete",
        )
    visit.internal_accepted_by, visit.internal_accepted_at = actor, timezone.now()
    visit.save(update_fields=["internal_accepted_by", "internal_accepted_at"])
    return visit


@transaction.atomic
def return_save(*, actor, record: ReturnRecord | None = None, **data) -> ReturnRecord:
    adding = record is None
    if not actor.has_perm("servicing.add_returnrecord" if adding else "servicing.change_returnrecord"):
        raise PermissionDenied
    if adding:
        record = ReturnRecord(recorded_by=actor, customer=data.pop("customer"), complaint=data.pop("complaint", None))
        _check_complaint(actor, record.customer, record.complaint)
    else:
        from ..selectors import returns_visible_to

        if not returns_visible_to(actor).filter(pk=record.pk).exists():
            raise PermissionDenied
        record = ReturnRecord.objects.select_for_update().get(pk=record.pk)
        data.pop("customer", None)
        data.pop("complaint", None)
    dates.raise_problems(
        dates.return_problems(**{name: data.get(name, getattr(record, name)) for name in RETURN_DATES})
    )
    changes = _save(record, data)
    if record.complaint_id and changes is not None:
        _event(
            record.complaint,
            actor,
            ComplaintEvent.Action.RETURN,
            _("Return recorded") if adding else "",
            changes=changes,
        )
    return record


@transaction.atomic
def follow_up_log(
    *,
    actor,
    complaint: Complaint,
    satisfaction: int,
    attitude: int | None = None,
    remarks: str = "",
    contact_name: str = "",
    called_at=None,
) -> FollowUp:
    """Record the follow-up call; an unsatisfied customer reopens the complaint."""
    complaint = _locked(complaint)
    if not actor.has_perm("servicing.add_followup") or not rules.can_see(complaint, actor):
        raise PermissionDenied
    if complaint.state != Complaint.State.CLOSED:
        raise ValidationError(_("A follow-up call is made after the complaint is closed."), code="state")
    dates.raise_problems(
        dates.follow_up_problems(
            called_at=called_at, closed_at=complaint.closed_at, visit_end=last_visit_end(complaint)
        )
    )
    follow_up = FollowUp(
        complaint=complaint,
        called_by=actor,
        satisfaction=satisfaction,
        attitude=attitude,
        remarks=remarks,
        contact_name=contact_name,
        called_at=called_at or timezone.now(),
    )
    follow_up.full_clean()
    if follow_up.is_unsatisfied and not remarks.strip():
        raise ValidationError(_("Write down why the customer is not satisfied."), code="remarks")
    follow_up.reopened = follow_up.is_unsatisfied
    follow_up.save()
    _event(complaint, actor, ComplaintEvent.Action.FOLLOW_UP, f"{satisfaction}/5 {remarks}".strip())
    if follow_up.reopened:
        complaint_reopen(
            actor=actor,
            complaint=complaint,
            reason=_("Follow-up: customer not satisfied (%(score)s/5). %(remarks)s")
            % {"score": satisfaction, "remarks": remarks},
        )
    return follow_up


@transaction.atomic
def case_summary_save(*, actor, complaint: Complaint, **data) -> CaseSummary:
    """Write or revise the knowledge-base entry of a closed complaint."""
    if not actor.has_perm("servicing.add_casesummary") or not rules.can_see(complaint, actor):
        raise PermissionDenied
    summary = CaseSummary.objects.filter(complaint=complaint).first()
    if summary is None:
        summary = CaseSummary(
            complaint=complaint, written_by=actor, product_model=complaint.product_model, category=complaint.category
        )
    _save(summary, data)
    return summary
