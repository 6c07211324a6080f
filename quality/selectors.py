"""Reads for the quality pages: the workbench, a sheet's whole chain, its affected scope, the actions."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, Case, Count, DateField, Exists, F, OuterRef, Q, Subquery, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from aftersales.audit import describe_changes
from complaints.models import Complaint, Severity
from complaints.selectors import paginate  # noqa: F401  (the quality pages page the same way)
from customers.models import Customer, Delivery

from .filters import CapaFilter, SheetFilter
from .models import (
    Assessment,
    CapaAction,
    CapaCheck,
    CapaEvent,
    CapaSource,
    DepartmentTask,
    QualitySheet,
    SheetEvent,
)
from .sight import (
    event_changes,
    event_note,
    mask_sheets,
    sees_all_customers,
    split_complaints,
    visible_files,
)

S = QualitySheet.State
A = CapaAction.State
BEFORE_ANALYSIS = (S.DRAFT, S.INVESTIGATING)
DISTRIBUTED = (S.DISTRIBUTED, S.IN_PROGRESS)
MY_LIMIT = 20
MODEL_SCOPE_LIMIT = 50


# --- overdue first ---------------------------------------------------------------


def _late_tasks(today):
    return DepartmentTask.objects.filter(sheet=OuterRef("pk"), done_at__isnull=True, due_date__lt=today)


def _sheet_overdue_q(today) -> Q:
    return Q(state__in=BEFORE_ANALYSIS, investigation_due__lt=today) | Q(
        Exists(_late_tasks(today)), state__in=DISTRIBUTED
    )


def with_sheet_due(queryset, today=None):
    """Annotate ``next_due`` (the investigation or the earliest open task) and ``overdue``; order by them."""
    today = today or timezone.localdate()
    first_open_task = (
        DepartmentTask.objects.filter(sheet=OuterRef("pk"), done_at__isnull=True)
        .order_by("due_date")
        .values("due_date")
    )
    return queryset.annotate(
        next_due=Case(
            When(state__in=BEFORE_ANALYSIS, then=F("investigation_due")),
            When(state__in=DISTRIBUTED, then=Subquery(first_open_task[:1])),
            default=Value(None),
            output_field=DateField(),
        ),
        overdue=Case(
            When(_sheet_overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    ).order_by("-overdue", F("next_due").asc(nulls_last=True), "-raised_at", "-id")


def _capa_overdue_q(today) -> Q:
    late_reply = Q(
        source=CapaSource.SUPERVISION,
        state__in=[A.OPEN, A.COMPLETED],
        reply_received_at__isnull=True,
        reply_deadline__lt=today,
    )
    return Q(state=A.OPEN, due_date__lt=today) | Q(state=A.COMPLETED, verification_due__lt=today) | late_reply


def with_capa_due(queryset, today=None):
    """Annotate ``next_due`` (the action's or its verification's) and ``overdue``; order by them."""
    today = today or timezone.localdate()
    return queryset.annotate(
        next_due=Case(
            When(state=A.OPEN, then=F("due_date")),
            When(state=A.COMPLETED, then=F("verification_due")),
            default=Value(None),
            output_field=DateField(),
        ),
        overdue=Case(When(_capa_overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()),
    ).order_by("-overdue", F("next_due").asc(nulls_last=True), "-id")


# --- the workbench ------------------------------------------------------------------


def sheet_counts(today=None, *, user=None) -> dict:
    """Count the sheets (``user`` sees) of each stage and the overdue ones, in one aggregate query."""
    today = today or timezone.localdate()
    counts = {state: Count("pk", filter=Q(state=state)) for state in S.values}
    counts["overdue"] = Count("pk", filter=_sheet_overdue_q(today))
    sheets = QualitySheet.objects.visible_to(user) if user is not None else QualitySheet.objects.all()
    return sheets.aggregate(**counts)


def capa_counts(today=None, *, user=None) -> dict:
    """Count the actions (``user`` sees) of each stage and the overdue ones, in one aggregate query."""
    today = today or timezone.localdate()
    counts = {state: Count("pk", filter=Q(state=state)) for state in A.values}
    counts["overdue"] = Count("pk", filter=_capa_overdue_q(today))
    actions = CapaAction.objects.visible_to(user) if user is not None else CapaAction.objects.all()
    return actions.aggregate(**counts)


@dataclass(frozen=True)
class MyTasks:
    """What waits for the user in the quality chain; each list holds at most MY_LIMIT rows."""

    to_raise: list
    to_assign: list
    investigating: list
    to_review: list
    to_sign: list
    to_distribute: list
    to_complete: list
    tasks: list
    actions: list
    verifications: list
    outcomes: list

    def __bool__(self):
        return any(getattr(self, name) for name in self.__dataclass_fields__)


def _signature_wanted(user) -> Q | None:
    wanted = None
    if user.has_perm("quality.approve_qualitysheet"):
        wanted = Q(approved_at__isnull=True)
    if user.has_perm("quality.approve_major_qualitysheet"):
        gm = Q(severity=Severity.MAJOR, gm_approved_at__isnull=True)
        wanted = gm if wanted is None else wanted | gm
    return wanted


def _sheets(condition: Q | None, user) -> list:
    if condition is None:
        return []
    rows = (
        QualitySheet.objects.visible_to(user)
        .filter(condition)
        .select_related("customer", "product_model", "investigator")
    )
    return mask_sheets(with_sheet_due(rows)[:MY_LIMIT], user)


def my_tasks(*, user, today=None) -> MyTasks:
    """Return the user's quality work: one query per list the user's roles ask for."""
    today = today or timezone.localdate()
    lead = user.has_perm("quality.lead_qualitysheet")
    signature = _signature_wanted(user)
    approved = Q(approved_at__isnull=False) & (~Q(severity=Severity.MAJOR) | Q(gm_approved_at__isnull=False))
    return MyTasks(
        to_raise=_complaints_without_sheet(user),
        to_assign=_sheets(Q(state=S.DRAFT) if lead else None, user),
        investigating=_sheets(Q(state=S.INVESTIGATING, investigator=user), user),
        to_review=_sheets(Q(state=S.UNDER_REVIEW) if lead else None, user),
        to_sign=_sheets(Q(state=S.AWAITING_APPROVAL) & signature if signature is not None else None, user),
        to_distribute=_sheets(
            Q(state=S.AWAITING_APPROVAL) & approved if user.has_perm("quality.distribute_qualitysheet") else None,
            user,
        ),
        to_complete=_sheets(_leader_part_waiting() if lead else None, user),
        tasks=list(
            DepartmentTask.objects.filter(owner=user, done_at__isnull=True, sheet__state__in=DISTRIBUTED)
            .select_related("sheet")
            .order_by("due_date", "id")[:MY_LIMIT]
        ),
        actions=list(
            with_capa_due(CapaAction.objects.filter(owner_part_waiting(user)).select_related("sheet"), today)[:MY_LIMIT]
        ),
        # Every completed action waits for its verification (CapaAction.waiting_on); the nearest first.
        verifications=(
            list(
                CapaAction.objects.visible_to(user)
                .filter(state=A.COMPLETED)
                .select_related("owner", "sheet")
                .order_by("verification_due", "id")[:MY_LIMIT]
            )
            if user.has_perm("quality.verify_capaaction")
            else []
        ),
        outcomes=_outcomes(user),
    )


def _leader_part_waiting() -> Q:
    """Return the distributed sheets that wait for the quality group leader (QualitySheet.waiting_on).

    The assessment or a corrective action is still to be recorded, or nothing else remains
    and the sheet is to be closed.
    """
    live_actions = CapaAction.objects.filter(sheet=OuterRef("pk")).exclude(state=A.CANCELLED)
    no_assessment = ~Exists(Assessment.objects.filter(sheet=OuterRef("pk")))
    open_tasks = Exists(DepartmentTask.objects.filter(sheet=OuterRef("pk"), done_at__isnull=True))
    unverified = Exists(live_actions.exclude(state=A.CLOSED))
    return Q(state__in=DISTRIBUTED) & (no_assessment | ~Exists(live_actions) | (~open_tasks & ~unverified))


def owner_part_waiting(user) -> Q:
    """Return the actions waiting for their owner: open ones, and notices whose written reply is missing."""
    missing_reply = Q(source=CapaSource.SUPERVISION, state=A.COMPLETED, reply_received_at__isnull=True)
    return Q(owner=user) & (Q(state=A.OPEN) | missing_reply)


def _complaints_without_sheet(user) -> list:
    """Return the open company-caused complaints the user may raise a sheet for and that have none."""
    if not user.has_perm("quality.raise_qualitysheet"):
        return []
    rows = (
        Complaint.objects.visible_to(user)
        .open()
        .filter(responsibility=Complaint.Responsibility.COMPANY, quality_link__isnull=True)
        .select_related("customer")
        .order_by("received_at", "id")
    )
    return list(rows[:MY_LIMIT])


def _outcomes(user) -> list:
    """Return the closed sheets whose outcome the user's sales department has still to tell the customer."""
    if not user.has_perm("quality.raise_qualitysheet") or user.has_perm("quality.lead_qualitysheet"):
        return []
    rows = QualitySheet.objects.filter(state=S.CLOSED, customer_informed_at__isnull=True).filter(
        Q(raised_by=user) | Q(customer__salesperson=user)
    )
    return mask_sheets(rows.select_related("customer").order_by("-closed_at", "-id")[:MY_LIMIT], user)


def sheets_visible_to(user):
    """Scope sheets to what the user may see (the rule is in :mod:`quality.managers`)."""
    return QualitySheet.objects.visible_to(user)


def sheet_list(*, filters, user=None):
    """Return the filter (for its form) and the filtered sheets, overdue first, then by due date."""
    sheets = sheets_visible_to(user) if user is not None else QualitySheet.objects.all()
    base = with_sheet_due(sheets.select_related("customer", "product_model", "investigator"))
    sheet_filter = SheetFilter(filters, queryset=base)
    return sheet_filter, sheet_filter.qs


def capa_list(*, filters, queryset=None, user=None):
    """Return the filter (for its form) and the filtered actions ``user`` sees, overdue first, then by due date."""
    base = queryset if queryset is not None else CapaAction.objects.all()
    if user is not None:
        base = base & CapaAction.objects.visible_to(user)
    base = with_capa_due(base)
    capa_filter = CapaFilter(filters, queryset=base.select_related("owner", "sheet"))
    return capa_filter, capa_filter.qs


# --- one sheet ------------------------------------------------------------------------


def sheet_get(*, number: str, user=None) -> QualitySheet:
    """Return the sheet with the people and the unit its page shows, or 404 (also when not visible)."""
    sheets = sheets_visible_to(user) if user is not None else QualitySheet.objects.all()
    queryset = sheets.select_related(
        "customer",
        "customer__salesperson",
        "product_model",
        "raised_by",
        "investigator",
        "reviewed_by",
        "approved_by",
        "gm_approved_by",
        "distributed_by",
    )
    return get_object_or_404(queryset, number=number)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: object
    label: str
    change: str
    note: str
    reference: str = ""
    changes: tuple = ()


@dataclass(frozen=True)
class SheetChain:
    """Everything linked to a sheet, from the complaints to the verified actions."""

    complaints: list
    files: list
    tasks: list
    assessments: list
    actions: list
    timeline: list
    other_complaints: int = 0


def _change(event) -> str:
    if not (event.from_state or event.to_state) or event.from_state == event.to_state:
        return ""
    return f"{event.get_from_state_display()} → {event.get_to_state_display()}"


def sheet_chain(sheet: QualitySheet, user=None) -> SheetChain:
    """Return the rows hanging off a sheet, one query each, and its timeline with its actions' history.

    With ``user``, leave out what belongs to customers the user does not see (:mod:`quality.managers`):
    their complaints are counted in ``other_complaints``. ``sheet`` must not be masked yet.
    """
    complaints = (
        Complaint.objects.filter(quality_link__sheet=sheet)
        .select_related("customer", "product_model")
        .order_by("quality_link__linked_at", "id")
    )
    files = sheet.files.select_related("uploaded_by")
    if user is None:
        shown, other_complaints = list(complaints), 0
    else:
        shown, other_complaints = split_complaints(complaints, user)
        files = visible_files(sheet, user, files)
    files = list(files)
    hidden_numbers = {c.number for c in complaints} - {c.number for c in shown} if other_complaints else set()
    file_names = {f.original_name for f in files}
    sheet_events = [
        TimelineEntry(
            e.at,
            e.actor,
            e.get_action_display(),
            _change(e),
            event_note(e, user, hidden_numbers, file_names) if user is not None else e.note,
            changes=tuple(describe_changes(event_changes(e, user) if user is not None else e.changes)),
        )
        for e in SheetEvent.objects.filter(sheet=sheet).select_related("actor")
    ]
    action_events = [
        TimelineEntry(
            e.at,
            e.actor,
            str(CapaAction._meta.verbose_name),
            _change(e),
            e.note,
            e.action.number,
            tuple(e.change_lines),
        )
        for e in CapaEvent.objects.filter(action__sheet=sheet).select_related("actor", "action")
    ]
    return SheetChain(
        complaints=shown,
        files=files,
        tasks=list(sheet.tasks.select_related("owner")),
        assessments=list(sheet.assessments.select_related("person", "recorded_by")),
        actions=list(sheet.capa_actions.select_related("owner", "verified_by").order_by("created_at", "id")),
        timeline=sorted(sheet_events + action_events, key=lambda entry: entry.at),
        other_complaints=other_complaints,
    )


@dataclass(frozen=True)
class Scope:
    """Other deliveries that may have the same problem.

    ``batch`` and ``model`` hold the rows the user may see; ``hidden_batch`` and
    ``hidden_customers`` count the batch's deliveries and customers left out.
    """

    batch: list
    model_count: int
    model: list
    batch_customers: int = 0
    hidden_batch: int = 0
    hidden_customers: int = 0


def affected_scope(sheet: QualitySheet, user=None) -> Scope:
    """Return the other deliveries of the sheet's batch (with their customers) and of its model.

    The sheet's own unit is left out. Other customers' rows go only to a ``user`` who sees
    every customer; anyone else gets their own customers' rows and counts of the rest
    (:mod:`quality.managers`). A handful of queries, whatever the ledger holds. ``sheet``
    must not be masked yet.
    """
    serial = sheet.serial_number.strip().upper()
    batch_number = sheet.batch_number.strip().upper()
    deliveries = Delivery.objects.select_related("customer", "product_model")
    if serial:
        deliveries = deliveries.exclude(serial_number=serial)
    restricted = user is not None and not sees_all_customers(user)
    mine = Q(customer__in=Customer.objects.visible_to(user).values("pk")) if restricted else Q()
    batch, batch_customers, hidden_batch, hidden_customers = [], 0, 0, 0
    if batch_number:
        in_batch = deliveries.filter(batch_number=batch_number)
        batch = list(in_batch.filter(mine).order_by("customer__name", "delivery_date", "id"))
        batch_customers = len({delivery.customer_id for delivery in batch})
        if restricted:
            others = in_batch.exclude(mine).aggregate(n=Count("pk"), customers=Count("customer", distinct=True))
            hidden_batch, hidden_customers = others["n"], others["customers"]
            batch_customers += hidden_customers
    model, model_count = [], 0
    if sheet.product_model_id:
        same_model = deliveries.filter(product_model_id=sheet.product_model_id)
        model_count = same_model.count()
        if model_count:
            model = list(same_model.filter(mine).order_by("-delivery_date", "-id")[:MODEL_SCOPE_LIMIT])
    return Scope(batch, model_count, model, batch_customers, hidden_batch, hidden_customers)


# --- one action ---------------------------------------------------------------------------


def capa_get(*, number: str, user=None) -> CapaAction:
    """Return the action with its sheet, or 404 (also when ``user`` may not see it)."""
    actions = CapaAction.objects.visible_to(user) if user is not None else CapaAction.objects.all()
    queryset = actions.select_related(
        "owner", "created_by", "verified_by", "sheet", "sheet__customer", "sheet__product_model"
    )
    return get_object_or_404(queryset, number=number)


@dataclass(frozen=True)
class CapaRecords:
    checks: list
    events: list


def capa_records(action: CapaAction) -> CapaRecords:
    return CapaRecords(
        checks=list(CapaCheck.objects.filter(action=action).select_related("checked_by")),
        events=list(CapaEvent.objects.filter(action=action).select_related("actor")),
    )
