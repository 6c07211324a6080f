"""Installation and commissioning (安装调试): checklists, dispatch, the report's steps."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales import outbox
from customers.models import Delivery, ProductModel
from customers.permissions import can_see as can_see_customer

from ..models import ChecklistItem, CommissioningChecklist, CommissioningLine, CommissioningReport, ServiceVisit
from ..models.commissioning import ItemKind, Outcome
from .records import visit_save

__all__ = [
    "checklist_save",
    "commissioning_dispatch",
    "commissioning_report_create",
    "commissioning_results_save",
    "commissioning_complete",
    "commissioning_reopen",
    "commissioning_accept",
]

ITEM_FIELDS = ("text", "kind", "unit", "min_value", "max_value", "required")
ITEM_DEFAULTS = {"kind": ItemKind.CHECK, "unit": "", "min_value": None, "max_value": None, "required": True}


def _item_problems(item: dict) -> list[str]:
    low, high = item.get("min_value"), item.get("max_value")
    problems = []
    if low is not None and high is not None and high < low:
        problems.append(_("Item “%(text)s”: the maximum is below the minimum.") % {"text": item["text"]})
    if item.get("kind") == ItemKind.MEASURED and low is None and high is None:
        problems.append(_("Item “%(text)s”: a measured value needs a minimum or a maximum.") % {"text": item["text"]})
    return problems


@transaction.atomic
def checklist_save(*, actor, product_model: ProductModel, items: list[dict], notes: str = "") -> CommissioningChecklist:
    """Replace the commissioning checklist of a product model; reports already made keep their copy."""
    if not actor.has_perm("servicing.change_commissioningchecklist"):
        raise PermissionDenied
    items = [{name: item[name] for name in ITEM_FIELDS if name in item} for item in items]
    problems = [problem for item in items for problem in _item_problems(item)]
    if not items:
        problems.append(_("A checklist needs at least one item."))
    if problems:
        raise ValidationError(problems, code="items")
    checklist, _created = CommissioningChecklist.objects.select_for_update().get_or_create(
        product_model=product_model, defaults={"updated_by": actor}
    )
    checklist.notes, checklist.updated_by = notes, actor
    checklist.save()
    checklist.items.all().delete()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, position=number, **{**ITEM_DEFAULTS, **item})
        for number, item in enumerate(items, start=1)
    )
    return checklist


def _checklist_items(product_model) -> list[ChecklistItem]:
    items = list(ChecklistItem.objects.filter(checklist__product_model=product_model))
    if not items:
        raise ValidationError(
            _("Product model %(model)s has no commissioning checklist yet; the after-sales manager writes it first.")
            % {"model": product_model.code},
            code="checklist",
        )
    return items


@transaction.atomic
def commissioning_dispatch(*, actor, delivery: Delivery, **visit_data) -> ServiceVisit:
    """Dispatch an engineer to install and commission a delivered unit, with its report in draft."""
    if not actor.has_perm("servicing.dispatch_commissioning"):
        raise PermissionDenied
    if not can_see_customer(actor, delivery.customer):
        raise PermissionDenied
    _checklist_items(delivery.product_model)  # refuse before dispatching anyone
    visit = visit_save(
        actor=actor,
        customer=delivery.customer,
        complaint=None,
        purpose=ServiceVisit.Purpose.COMMISSIONING,
        delivery=delivery,
        **visit_data,
    )
    commissioning_report_create(actor=actor, visit=visit)
    outbox.enqueue("servicing.commissioning_dispatched", visit.pk, key=f"servicing.commissioning_dispatched:{visit.pk}")
    return visit


@transaction.atomic
def commissioning_report_create(*, actor, visit: ServiceVisit) -> CommissioningReport:
    """Start the report of a commissioning visit, copying the checklist of the unit's model."""
    if not actor.has_perm("servicing.add_commissioningreport"):
        raise PermissionDenied
    rows = ServiceVisit.objects.select_for_update(of=("self",)).select_related("delivery__product_model", "customer")
    visit = rows.get(pk=visit.pk)
    if not can_see_customer(actor, visit.customer):
        raise PermissionDenied
    if visit.purpose != ServiceVisit.Purpose.COMMISSIONING or visit.delivery is None:
        raise ValidationError(_("Only a commissioning visit of a delivered unit has a commissioning report."))
    if CommissioningReport.objects.filter(visit=visit).exists():
        raise ValidationError(_("This visit already has its commissioning report."), code="exists")
    items = _checklist_items(visit.delivery.product_model)
    report = CommissioningReport.objects.create(visit=visit, created_by=actor)
    CommissioningLine.objects.bulk_create(
        CommissioningLine(report=report, position=item.position, **{name: getattr(item, name) for name in ITEM_FIELDS})
        for item in items
    )
    return report


def _locked_report(actor, report, perm: str) -> CommissioningReport:
    if not actor.has_perm(perm):
        raise PermissionDenied
    report = (
        CommissioningReport.objects.select_for_update(of=("self",)).select_related("visit__customer").get(pk=report.pk)
    )
    if not can_see_customer(actor, report.visit.customer):
        raise PermissionDenied
    return report


def _may_work_on(actor, report) -> bool:
    """The dispatched engineer records the results; the after-sales manager may correct them."""
    return report.visit.engineer_id == actor.pk or actor.has_perm("servicing.dispatch_commissioning")


@transaction.atomic
def commissioning_results_save(*, actor, report: CommissioningReport, results: dict, remarks: str | None = None):
    """Record what was found: ``results`` maps a line's pk to {checked, measured_value, remark}."""
    report = _locked_report(actor, report, "servicing.change_commissioningreport")
    if not _may_work_on(actor, report):
        raise PermissionDenied
    if report.state != CommissioningReport.State.DRAFT:
        raise ValidationError(_("A signed report cannot change; reopen it first."), code="state")
    lines = list(report.lines.select_for_update())
    for line in lines:
        answer = results.get(line.pk)
        if answer is None:
            continue
        if line.is_measured:
            line.measured_value, line.checked = answer.get("measured_value"), None
        else:
            line.checked, line.measured_value = answer.get("checked"), None
        line.remark = (answer.get("remark") or "").strip()
        line.outcome = line.compute_outcome()
    CommissioningLine.objects.bulk_update(lines, ["checked", "measured_value", "remark", "outcome"])
    if remarks is not None:
        report.remarks = remarks
        report.save(update_fields=["remarks"])
    return report


@transaction.atomic
def commissioning_complete(*, actor, report: CommissioningReport) -> CommissioningReport:
    """Sign the report as the engineer once every required item is answered; set the overall result."""
    report = _locked_report(actor, report, "servicing.change_commissioningreport")
    if report.visit.engineer_id != actor.pk:
        raise PermissionDenied  # the signature is the dispatched engineer's own
    if report.state != CommissioningReport.State.DRAFT:
        raise ValidationError(_("This report is already signed."), code="state")
    lines = list(report.lines.all())
    missing = [line for line in lines if line.required and line.outcome == Outcome.PENDING]
    if missing:
        raise ValidationError(
            _("Answer every required item before signing: %(items)s.")
            % {"items": ", ".join(f"{line.position}. {line.text}" for line in missing)},
            code="missing",
        )
    failed = any(line.outcome == Outcome.FAIL for line in lines)
    result = CommissioningReport.Result.FAILED if failed else CommissioningReport.Result.PASSED
    report.complete(by=actor, at=timezone.now(), result=result)
    report.save()
    return report


@transaction.atomic
def commissioning_reopen(*, actor, report: CommissioningReport) -> CommissioningReport:
    """Take back a signed report not yet accepted, to correct or re-measure."""
    report = _locked_report(actor, report, "servicing.change_commissioningreport")
    if not _may_work_on(actor, report):
        raise PermissionDenied
    if report.state != CommissioningReport.State.COMPLETED:
        raise ValidationError(_("Only a signed report awaiting acceptance can be reopened."), code="state")
    report.reopen()
    report.save()
    return report


def acceptance_problems(*, report, name: str, date: datetime.date | None, today=None) -> dict:
    """Return {field: message} for an acceptance that cannot be right."""
    today = today or timezone.localdate()
    problems = {}
    if not (name or "").strip():
        problems["customer_acceptance_name"] = _("Give the name of the customer who accepted the commissioning.")
    if date is None:
        problems["customer_acceptance_date"] = _("Give the date of the customer's acceptance.")
        return problems
    started = report.visit.actual_start or report.visit.planned_start
    started_on = timezone.localdate(started)
    if date > today:
        problems["customer_acceptance_date"] = _("The acceptance date cannot be in the future.")
    elif date < started_on:
        problems["customer_acceptance_date"] = _(
            "The customer cannot accept the commissioning (%(date)s) before the visit started (%(start)s)."
        ) % {"date": f"{date:%Y-%m-%d}", "start": f"{started_on:%Y-%m-%d}"}
    return problems


@transaction.atomic
def commissioning_accept(*, actor, report: CommissioningReport, name: str, date: datetime.date) -> CommissioningReport:
    """Record the customer's acceptance (name and date) of a signed, passed commissioning."""
    report = _locked_report(actor, report, "servicing.accept_commissioningreport")
    if not _may_work_on(actor, report):
        raise PermissionDenied
    if report.state != CommissioningReport.State.COMPLETED:
        raise ValidationError(_("The engineer signs the report before the customer accepts it."), code="state")
    if report.result != CommissioningReport.Result.PASSED:
        raise ValidationError(
            _("A failed commissioning is not accepted: reopen the report, fix the unit and measure again."),
            code="failed",
        )
    problems = acceptance_problems(report=report, name=name, date=date)
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()})
    report.accept(name=name.strip(), date=date, by=actor)
    report.save()
    outbox.enqueue("servicing.commissioning_accepted", report.pk, key=f"servicing.commissioning_accepted:{report.pk}")
    return report
