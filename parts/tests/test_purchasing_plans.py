"""Purchase plans: every step by the roles allowed and refused; receipts post at the actual cost."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aftersales import roles
from parts import services
from parts.models import PurchasePlan, PurchasePlanLine, StockLevel, StockMove

from .factories import PartFactory, WarehouseFactory, stock_in
from .purchasing_factories import PurchasePlanFactory, PurchasePlanLineFactory

pytestmark = pytest.mark.django_db

State = PurchasePlan.State
ALL_ROLES = roles.ALL
TODAY = timezone.localdate


def plan_with_line(state=State.DRAFT, line_state="open", **line):
    plan = PurchasePlanFactory(state=state)
    PurchasePlanLineFactory(plan=plan, state=line_state, **line)
    return plan


def fresh(record):
    return type(record).objects.get(pk=record.pk)


STEPS = [
    # (service, start state, roles allowed, end state, extra)
    (services.plan_submit, State.DRAFT, {roles.PURCHASING}, State.SUBMITTED, {}),
    (services.plan_submit, State.RETURNED, {roles.PURCHASING}, State.SUBMITTED, {}),
    (services.plan_approve, State.SUBMITTED, {roles.AFTERSALES_MANAGER}, State.APPROVED, {}),
    (services.plan_send_back, State.SUBMITTED, {roles.AFTERSALES_MANAGER}, State.RETURNED, {"reason": "数量过多"}),
    (services.plan_close, State.APPROVED, {roles.PURCHASING}, State.CLOSED, {}),
]


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(("service", "start", "allowed", "end", "extra"), STEPS)
def test_each_plan_step_is_open_to_its_role_only(role_user, role, service, start, allowed, end, extra):
    plan = plan_with_line(start)
    user = role_user(role)
    if role in allowed:
        service(actor=user, plan=plan, **extra)
        assert fresh(plan).state == end
        assert plan.events.filter(actor=user).exists()
    else:
        with pytest.raises(PermissionDenied):
            service(actor=user, plan=plan, **extra)
        assert fresh(plan).state == start


@pytest.mark.parametrize(
    ("service", "state"),
    [
        (services.plan_approve, State.DRAFT),
        (services.plan_approve, State.APPROVED),
        (services.plan_submit, State.APPROVED),
        (services.plan_close, State.SUBMITTED),
    ],
)
def test_steps_out_of_order_are_refused(role_user, service, state):
    plan = plan_with_line(state)
    actor = role_user(roles.AFTERSALES_MANAGER if service is services.plan_approve else roles.PURCHASING)
    with pytest.raises(ValidationError):
        service(actor=actor, plan=plan)
    assert fresh(plan).state == state


def test_send_back_needs_a_reason_and_an_empty_plan_cannot_be_submitted(role_user):
    plan = plan_with_line(State.SUBMITTED)
    with pytest.raises(ValidationError):
        services.plan_send_back(actor=role_user(roles.AFTERSALES_MANAGER), plan=plan, reason=" ")
    with pytest.raises(ValidationError):
        services.plan_submit(actor=role_user(roles.PURCHASING), plan=PurchasePlanFactory())


def test_submitting_writes_the_managers_email(role_user, mailoutbox):
    from aftersales.outbox import dispatch

    manager = role_user(roles.AFTERSALES_MANAGER)
    services.plan_submit(actor=role_user(roles.PURCHASING), plan=plan_with_line())
    dispatch()
    assert [m.to for m in mailoutbox] == [[manager.email]]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_purchasing_orders_and_cancels(role_user, role):
    plan = plan_with_line(State.APPROVED)
    line = plan.lines.get()
    promised = TODAY() + datetime.timedelta(days=10)
    user = role_user(role)
    if role == roles.PURCHASING:
        services.line_order(actor=user, line=line, order_reference="PO-1", promised_date=promised)
        assert fresh(line).state == "ordered" and fresh(line).promised_date == promised
        services.line_cancel(actor=user, line=line, reason="供应商停产")
        assert fresh(line).state == "cancelled"
    else:
        with pytest.raises(PermissionDenied):
            services.line_order(actor=user, line=line, order_reference="PO-1", promised_date=promised)
        with pytest.raises(PermissionDenied):
            services.line_cancel(actor=user, line=line, reason="x")


def test_a_line_of_an_unapproved_plan_is_not_ordered(role_user):
    line = plan_with_line(State.SUBMITTED).lines.get()
    with pytest.raises(ValidationError):
        services.line_order(actor=role_user(roles.PURCHASING), line=line, order_reference="PO", promised_date=TODAY())


@pytest.fixture
def ordered_line(role_user):
    part = PartFactory(safety_stock=2, min_stock=4, max_stock=10)
    warehouse = WarehouseFactory()
    plan = PurchasePlanFactory(state=State.APPROVED)
    line = PurchasePlanLineFactory(plan=plan, part=part, warehouse=warehouse, quantity=10)
    return services.line_order(
        actor=role_user(roles.PURCHASING), line=line, order_reference="PO-7", promised_date=TODAY()
    )


def test_a_receipt_posts_the_accepted_quantity_at_the_actual_cost_and_rearms_the_alert(role_user, ordered_line):
    buyer = role_user(roles.PURCHASING)
    level = StockLevel.objects.create(
        part=ordered_line.part, warehouse=ordered_line.warehouse, below_safety_since=timezone.now()
    )
    receipt = services.receipt_record(
        actor=buyer,
        line=ordered_line,
        quantity_received=6,
        quantity_rejected=1,
        unit_cost=Decimal("41.20"),
        received_date=TODAY(),
    )
    move = StockMove.objects.get(kind="receipt", part=ordered_line.part)
    assert (move.quantity, move.unit_cost, move.reference) == (5, Decimal("41.20"), ordered_line.plan.number)
    assert move.document == receipt and receipt.promised_date == TODAY()
    level = fresh(level)
    assert level.on_hand == 5 and level.below_safety_since is None
    assert fresh(ordered_line).state == "partly_received" and fresh(ordered_line).received_quantity == 5
    services.receipt_record(
        actor=buyer,
        line=ordered_line,
        quantity_received=5,
        quantity_rejected=0,
        unit_cost=Decimal("41"),
        received_date=TODAY(),
    )
    assert fresh(ordered_line).state == "received" and fresh(level).on_hand == 10


@pytest.mark.parametrize(
    ("received", "rejected", "cost", "date", "field"),
    [
        (11, 0, Decimal(1), 0, "quantity_received"),
        (3, 4, Decimal(1), 0, "quantity_rejected"),
        (3, 0, Decimal(-1), 0, "unit_cost"),
        (3, 0, Decimal(1), 1, "received_date"),
        (3, 0, Decimal(1), -3, "received_date"),
    ],
)
def test_a_receipt_that_cannot_be_right_is_refused(role_user, ordered_line, received, rejected, cost, date, field):
    with pytest.raises(ValidationError) as refused:
        services.receipt_record(
            actor=role_user(roles.PURCHASING),
            line=ordered_line,
            quantity_received=received,
            quantity_rejected=rejected,
            unit_cost=cost,
            received_date=TODAY() + datetime.timedelta(days=date),
        )
    assert field in refused.value.message_dict
    assert not StockMove.objects.exists()


def test_a_keeper_receives_into_their_own_warehouse_only(role_user, make_user, ordered_line):
    keeper = role_user(roles.WAREHOUSE_KEEPER)
    other_keeper = make_user(roles.WAREHOUSE_KEEPER, username="other_keeper")
    ordered_line.warehouse.keepers.add(keeper)
    args = {"quantity_received": 2, "quantity_rejected": 0, "unit_cost": Decimal(3), "received_date": TODAY()}
    with pytest.raises(PermissionDenied):
        services.receipt_record(actor=other_keeper, line=ordered_line, **args)
    for role in (roles.AFTERSALES_ENGINEER, roles.AFTERSALES_MANAGER, roles.MANAGEMENT, roles.SALES):
        with pytest.raises(PermissionDenied):
            services.receipt_record(actor=role_user(role), line=ordered_line, **args)
    services.receipt_record(actor=keeper, line=ordered_line, **args)
    assert StockLevel.objects.get(part=ordered_line.part).on_hand == 2


def test_closing_waits_for_ordered_goods_and_cancels_lines_never_ordered(role_user, ordered_line):
    buyer = role_user(roles.PURCHASING)
    plan = ordered_line.plan
    unordered = PurchasePlanLineFactory(plan=plan)
    with pytest.raises(ValidationError):
        services.plan_close(actor=buyer, plan=plan)
    services.line_cancel(actor=buyer, line=ordered_line, reason="改用替代件")
    services.plan_close(actor=buyer, plan=plan)
    assert fresh(plan).state == State.CLOSED and fresh(unordered).state == "cancelled"


def test_a_line_added_by_hand_goes_on_the_months_draft_once(role_user):
    buyer = role_user(roles.PURCHASING)
    part, warehouse = PartFactory(), WarehouseFactory()
    needed = TODAY() + datetime.timedelta(days=5)
    line = services.line_add(actor=buyer, part=part, warehouse=warehouse, quantity=3, needed_by=needed)
    assert line.source == "manual" and line.plan.state == State.DRAFT
    with pytest.raises(ValidationError):
        services.line_add(actor=buyer, part=part, warehouse=warehouse, quantity=3, needed_by=needed)
    with pytest.raises(PermissionDenied):
        services.line_add(
            actor=role_user(roles.WAREHOUSE_KEEPER),
            part=PartFactory(),
            warehouse=warehouse,
            quantity=1,
            needed_by=needed,
        )


def test_a_submitted_plan_takes_no_new_lines_a_second_draft_of_the_month_does(role_user):
    buyer = role_user(roles.PURCHASING)
    warehouse = WarehouseFactory()
    needed = TODAY() + datetime.timedelta(days=5)
    first = services.line_add(actor=buyer, part=PartFactory(), warehouse=warehouse, quantity=1, needed_by=needed)
    services.plan_submit(actor=buyer, plan=first.plan)
    second = services.line_add(actor=buyer, part=PartFactory(), warehouse=warehouse, quantity=1, needed_by=needed)
    assert second.plan != first.plan and second.plan.month == first.plan.month
    assert second.plan.number.endswith("-02")
    assert PurchasePlanLine.objects.filter(plan=first.plan).count() == 1


def test_the_receipt_move_keeps_the_ledger_and_balances_equal(role_user, ordered_line):
    from parts import stock

    stock_in(ordered_line.part, ordered_line.warehouse, 1)
    services.receipt_record(
        actor=role_user(roles.PURCHASING),
        line=ordered_line,
        quantity_received=4,
        quantity_rejected=0,
        unit_cost=Decimal(9),
        received_date=TODAY(),
    )
    assert list(stock.discrepancies()) == []
