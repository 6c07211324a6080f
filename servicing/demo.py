"""Demo service work around the demo complaints: visits, returns, case summaries, follow-up calls.

Run through ``manage.py seed_demo`` after complaints' and quality's demos, so the complaints
stand where those demos leave them. Every record is written by the servicing services, as
the demo users. A row below names its complaint by its index in complaints' ``PLAN``; the
complaint is found among the demo customers' complaints by its story's title. Every
closed demo complaint gets its case summary; then the customers are called (a plan row's
``"follow_up"`` option gives the score and remarks), and the one not satisfied reopens
its complaint. Nothing is added when the demo customers already have service visits.
"""

from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import CommandError
from django.utils import timezone

from complaints import services as complaint_services
from complaints.demo import DEMO_CODES, MODEL_CODES, PLAN, STORIES
from complaints.models import Complaint
from customers.models import Delivery

from . import services
from .demo_commissioning import seed_commissioning
from .demo_plans import seed_plans
from .demo_property import seed_property
from .demo_quotes import seed_quotes
from .models import ReturnRecord, ServiceVisit

USERNAMES = [
    "sales",
    "sales2",
    "aftersales_engineer",
    "aftersales_manager",
    "general_manager",
    "quality_leader",
    "warehouse_keeper",
]
SALES = ("sales", "sales2")


def seed(*, stdout, style) -> None:
    """Add the demo service work unless the demo customers already have service visits."""
    users = _users()
    # Quotes first: an out-of-warranty repair waits at approval for the customer's acceptance
    # of its quote, so the complaints planned past approval are carried on here.
    seed_quotes(users=users, stdout=stdout)
    carried = carry_on_held(users)
    if carried:
        stdout.write(f"Quotes: {carried} held complaints quoted, accepted and carried on to their stage.")
    _seed_records(users, stdout=stdout, style=style)
    # Each of these skips what it finds already there.
    seed_commissioning(users=users, stdout=stdout)
    seed_plans(users=users, stdout=stdout)
    seed_property(users=users, stdout=stdout)


def _seed_records(users, *, stdout, style) -> None:
    """Add the visits, returns, case summaries and follow-up calls, unless visits are there."""
    if ServiceVisit.objects.filter(customer__code__in=DEMO_CODES).exists():
        stdout.write("Service work: demo service visits already there, nothing added.")
        return
    seeder = Seeder(users)
    visits = seeder.visits()
    returns = seeder.returns()
    # Summaries first: a follow-up call may reopen its complaint, and only a closed one gets a summary.
    summaries = seeder.case_summaries()
    calls = seeder.follow_ups()
    stdout.write(
        style.SUCCESS(
            f"Service work: {visits} service visits, {returns} returns, {summaries} case summaries, "
            f"{calls} follow-up calls."
        )
    )


def carry_on_held(users) -> int:
    """Quote the out-of-warranty complaints held at approval, record the acceptance, carry them on.

    Complaints' demo walks each complaint to its planned stage, but an out-of-warranty
    repair stays awaiting approval until its quote is accepted; this finishes the walk.
    """
    engineer, carried = users["aftersales_engineer"], 0
    today = timezone.localdate()
    for index, complaint in sorted(planned_complaints().items()):
        key, stage = PLAN[index][0], PLAN[index][4]
        held = complaint.state == Complaint.State.AWAITING_APPROVAL and complaint.warranty_status == "out"
        if stage not in ("rectifying", "closed") or not held or complaint.quotes.exists():
            continue
        quote = services.quote_create(
            actor=engineer, complaint=complaint, lines=QUOTE_LINES, valid_until=today + timedelta(days=30)
        )
        quote = services.quote_send(actor=engineer, quote=quote, via="handed")
        name = complaint.contact.name if complaint.contact else "设备科负责人"
        services.quote_record_answer(actor=engineer, quote=quote, accepted=True, name=name, date=today)
        complaint = _signed(complaint, users)
        if stage == "closed" and complaint.state == Complaint.State.RECTIFYING:
            story = STORIES[key]
            closer = complaint.customer.salesperson or engineer
            complaint_services.complaint_close(
                actor=closer,
                complaint=complaint,
                acceptance_name=name,
                acceptance_date=today,
                reply_to_customer=f"经核查，{story.reason}。已{story.plan}，设备恢复正常运行，感谢您的反馈。",
            )
        carried += 1
    return carried


def _signed(complaint, users) -> Complaint:
    """Give the approval signatures still missing (company-caused ones were released by the answer)."""
    complaint.refresh_from_db()
    if complaint.responsibility != Complaint.Responsibility.CUSTOMER:
        return complaint
    if complaint.state == Complaint.State.AWAITING_APPROVAL and not complaint.manager_approved_at:
        complaint = complaint_services.complaint_sign_approval(actor=users["aftersales_manager"], complaint=complaint)
    if complaint.state == Complaint.State.AWAITING_APPROVAL and complaint.needs_gm_approval:
        complaint = complaint_services.complaint_sign_approval(actor=users["general_manager"], complaint=complaint)
    complaint.refresh_from_db()
    return complaint


QUOTE_LINES = [
    {"kind": "parts", "description": "更换损坏部件", "quantity": Decimal(1), "unit_price": Decimal("1200.00")},
    {
        "kind": "labour",
        "description": "现场维修及调试（工时）",
        "quantity": Decimal(4),
        "unit_price": Decimal("200.00"),
    },
]


def _users() -> dict:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    if missing := set(USERNAMES) - set(users):
        raise CommandError(f"Demo users missing ({', '.join(sorted(missing))}): run aftersales' demo first.")
    return users


def planned_complaints() -> dict[int, Complaint]:
    """Return the demo complaint of each index in ``PLAN`` that is there.

    Complaints' demo creates them in order of receipt (the earliest first), so the
    complaints of one title, in order of receipt, are that title's plan rows in that order.
    """
    complaints = defaultdict(list)
    for complaint in (
        Complaint.objects.filter(customer__code__in=DEMO_CODES)
        .select_related("customer__salesperson", "contact", "product_model")
        .order_by("received_at", "pk")
    ):
        complaints[complaint.title].append(complaint)
    rows = defaultdict(list)
    for index in sorted(range(len(PLAN)), key=lambda index: -PLAN[index][3]):
        rows[STORIES[PLAN[index][0]].title].append(index)
    found = {}
    for title, indices in rows.items():
        # Fewer complaints than rows when some were deleted: the later rows go without.
        found.update(zip(indices, complaints[title], strict=False))
    return found


class Seeder:
    """Write the service work around the planned complaints through the services."""

    def __init__(self, users: dict):
        self.users = users
        self.engineer = users["aftersales_engineer"]
        self.manager = users["aftersales_manager"]
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.planned = planned_complaints()
        self.deliveries = {
            prefix: list(
                Delivery.objects.filter(customer__code__in=DEMO_CODES, product_model__code=code)
                .select_related("customer", "product_model")
                .order_by("pk")
            )
            for prefix, code in MODEL_CODES.items()
        }
        if not all(self.deliveries.values()):
            raise CommandError("Demo deliveries missing: run the customers' demo first.")
        # Go on from where complaints' demo stopped, so that the records without a
        # complaint fall on other customers than the complaints do.
        self.used = Counter(STORIES[key].product for key, *_rest in PLAN)

    def _delivery(self, prefix: str) -> Delivery:
        """Return the next delivery of the model, moving through different customers."""
        choices = self.deliveries[prefix]
        index = self.used[prefix]
        self.used[prefix] = index + 1
        return choices[(index * 7) % len(choices)]

    def _between(self, complaint, share: float):
        """Return a moment ``share`` of the way from the complaint's receipt to now."""
        return complaint.received_at + (self.now - complaint.received_at) * share

    def visits(self) -> int:
        tomorrow = timezone.make_aware(datetime.combine(self.today + timedelta(days=1), time(9)))
        count = 0
        for index, kind, share, result in VISITS:
            complaint = self.planned.get(index)
            if index >= 0 and complaint is None:
                continue
            customer = complaint.customer if complaint else self._delivery(VISIT_PRODUCTS[index]).customer
            data = {"kind": kind, "engineer": self.engineer if index % 2 else self.manager, "place": customer.address}
            data.update(_visit_text(PLAN[index][0] if complaint else None))
            if result is None:  # still planned
                start = tomorrow + timedelta(days=abs(index) % 5, hours=abs(index) % 3 * 2)
                data.update(planned_start=start, planned_end=start + timedelta(hours=4))
            else:
                start = self._between(complaint, share) if complaint else self.now - timedelta(days=5, hours=3)
                # Ended before now, so the follow-up calls made now come after it.
                end = start + min(timedelta(hours=2), (self.now - start) / 2)
                data.update(planned_start=start, planned_end=end, actual_start=start, actual_end=end, result=result)
                data.update(customer_acceptance_name=_contact(complaint) if complaint else "设备科值班员")
                data.update(customer_acceptance_date=timezone.localdate(end))
            visit = services.visit_save(actor=self.manager, customer=customer, complaint=complaint, **data)
            if result == ServiceVisit.Result.RESOLVED:
                services.visit_accept_internal(actor=self.manager, visit=visit)
            count += 1
        return count

    def returns(self) -> int:
        count = 0
        for index, prefix, quantity, reason, decision, outcome, days in RETURNS:
            complaint = self.planned.get(index)
            if index >= 0 and complaint is None:
                continue
            delivery = None if complaint else self._delivery(prefix)
            customer = complaint.customer if complaint else delivery.customer
            requested = self.today - timedelta(days=days)
            received = requested + timedelta(days=3) if outcome != ReturnRecord.Outcome.PENDING else None
            services.return_save(
                actor=self.manager,
                customer=customer,
                complaint=complaint,
                product_model=complaint.product_model if complaint else delivery.product_model,
                serial_number=complaint.serial_number if complaint else delivery.serial_number,
                batch_number=complaint.batch_number if complaint else delivery.batch_number,
                quantity=quantity,
                reason=reason,
                decision=decision,
                outcome=outcome,
                requested_on=requested,
                received_on=received,
                closed_on=received + timedelta(days=4) if received and received + timedelta(4) <= self.today else None,
            )
            count += 1
        return count

    def case_summaries(self) -> int:
        """Write the case summary of every closed demo complaint that has none."""
        stories = {story.title: story for story in STORIES.values()}
        closed = (
            Complaint.objects.filter(
                customer__code__in=DEMO_CODES, state=Complaint.State.CLOSED, case_summary__isnull=True
            )
            .select_related("quality_link__sheet")
            .order_by("received_at", "pk")
        )
        count = 0
        for complaint in closed:
            fields = _summary(complaint, stories.get(complaint.title))
            services.case_summary_save(actor=self.engineer, complaint=complaint, **fields)
            count += 1
        return count

    def follow_ups(self) -> int:
        """Call the customers of the closed demo complaints not called yet."""
        count = 0
        for index, complaint in sorted(self.planned.items()):
            options = PLAN[index][5]
            # One closed through its quality sheet gets the call below instead.
            if "follow_up" not in options or not _to_call(complaint) or _closed_by_sheet(complaint):
                continue
            score, remarks = options["follow_up"]
            services.follow_up_log(
                actor=self.manager,
                complaint=complaint,
                satisfaction=score,
                remarks=remarks,
                contact_name=_contact(complaint),
            )
            count += 1
        # Closed when their quality sheet closed: the salesperson who told the customer calls.
        for complaint in Complaint.objects.filter(
            customer__code__in=DEMO_CODES, state=Complaint.State.CLOSED, quality_link__isnull=False
        ).select_related("customer__salesperson"):
            if not _to_call(complaint):
                continue
            services.follow_up_log(
                actor=self._informer(complaint), complaint=complaint, satisfaction=4, remarks="更换密封圈后气压稳定"
            )
            count += 1
        return count

    def _informer(self, complaint):
        """Return the customer's salesperson, or the after-sales manager for a customer without one."""
        salesperson = complaint.customer.salesperson
        return salesperson if salesperson is not None and salesperson.username in SALES else self.manager


def _to_call(complaint) -> bool:
    return complaint.state == Complaint.State.CLOSED and not complaint.follow_ups.exists()


def _closed_by_sheet(complaint) -> bool:
    return getattr(complaint, "quality_link", None) is not None


def _summary(complaint, story) -> dict:
    """Return the case summary's text: from the complaint's story, or from its quality sheet."""
    link = getattr(complaint, "quality_link", None)
    if story is not None and link is None:
        return {"problem": story.description, "cause": story.reason, "solution": story.plan, "keywords": story.keywords}
    # Closed through its quality sheet: the investigation found the cause, the reply says what was done.
    keywords = "SF6 密封圈 泄漏" if "SF6" in complaint.title else story.keywords if story else ""
    return {
        "problem": complaint.description,
        "cause": (link.sheet.analysis if link else "") or complaint.responsibility_reason,
        "solution": complaint.reply_to_customer or complaint.disposal_plan,
        "keywords": keywords,
    }


def _contact(complaint) -> str:
    return complaint.contact.name if complaint and complaint.contact else "设备科负责人"


def _visit_text(story: str | None) -> dict:
    if story is None:
        return {"people": "设备科运维人员", "work_done": "年度巡检：红外测温、机械特性测试，未见异常"}
    return {"people": "客户设备科人员", "work_done": STORIES[story].plan}


R, P, U = ServiceVisit.Result.RESOLVED, ServiceVisit.Result.PARTLY, None
ONSITE, REMOTE = ServiceVisit.Kind.ONSITE, ServiceVisit.Kind.REMOTE
# index in PLAN (negative: no complaint), kind, share of time since receipt, result (None: planned)
VISITS = [
    (20, ONSITE, 0, U),
    (21, ONSITE, 0.5, R),
    (23, ONSITE, 0, U),
    (31, ONSITE, 0.4, R),
    (32, ONSITE, 0.4, R),
    (36, ONSITE, 0.5, R),
    (29, REMOTE, 0.3, R),
    (11, ONSITE, 0, U),
    (8, ONSITE, 0.6, P),
    (-1, ONSITE, 0, R),
    (-2, ONSITE, 0, U),
]
VISIT_PRODUCTS = {-1: "KY", -2: "SC"}

A, J, PD = ReturnRecord.Decision.ACCEPTED, ReturnRecord.Decision.REJECTED, ReturnRecord.Decision.PENDING
Out = ReturnRecord.Outcome
# fmt: off
# index in PLAN (negative: no complaint), product, quantity, reason, decision, outcome, days ago
RETURNS = [
    (33, "JP", 6, "复合开关批次质量问题，整批退回", A, Out.SCRAP, 12),
    (32, "GC", 1, "抽屉单元导轨变形，返厂修复", A, Out.REWORK, 9),
    (27, "ZW", 1, "瓷套裂纹，断路器本体整台更换后返厂", A, Out.PENDING, 1),
    (18, "JP", 2, "电容器发热鼓包，申请退货", PD, Out.PENDING, 0),
    (-1, "VS", 2, "客户订货型号选错，未开箱退回", A, Out.RESTOCK, 20),
    (-2, "JP", 1, "运输中箱体变形", A, Out.REWORK, 15),
    (-3, "SC", 1, "温控器人为损坏，已过质保期", J, Out.PENDING, 6),
    (-4, "GC", 3, "项目变更，多订的抽屉单元退回", A, Out.RESTOCK, 30),
]
# fmt: on
