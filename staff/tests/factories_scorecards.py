"""The hand-counted November 2026 of a small team, for the scorecard tests.

The engineer 张伟 handles the complaints and plan visits; the salesperson 王芳 owns the
customer whose survey answers count for her. Every figure the tests expect is counted by
hand in the comments below.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.models import Group
from django.utils import timezone

from complaints.models import Complaint
from complaints.tests.factories import ComplaintFactory
from customers.tests.factories import CustomerFactory
from servicing.models import FollowUp
from servicing.services.records import follow_up_log
from servicing.tests.factories import FollowUpFactory, PlanVisitFactory, ServicePlanFactory, ServiceVisitFactory
from surveys.models import Dimension
from surveys.tests.factories import AnswerFactory, QuestionFactory, ResponseFactory

from ..models import Attendance, SixHeartsRating, TrainingSession
from .factories import team

H = datetime.timedelta(hours=1)


def at(day: str, clock: str = "09:00") -> datetime.datetime:
    """Return a Beijing-time moment such as at("2026-11-02", "15:00")."""
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T{clock}"), timezone.get_default_timezone())


def complaint(engineer, customer, received: str, *, responded=None, closed=None, minutes=None, **fields):
    """Return a complaint received at 09:00 on ``received``: response due in 24 h, resolution in 48 h."""
    received_at = at(received)
    state = fields.pop("state", Complaint.State.CLOSED if closed else Complaint.State.ANALYSING)
    return ComplaintFactory(
        customer=customer,
        assignee=engineer,
        received_at=received_at,
        state=state,
        first_response_due_at=received_at + 24 * H,
        resolution_due_at=fields.pop("resolution_due_at", received_at + 48 * H),
        first_responded_at=responded,
        closed_at=closed,
        resolution_working_minutes=minutes,
        **fields,
    )


def rating(person, rated_by, kind: str, start: datetime.date, score: str) -> SixHeartsRating:
    return SixHeartsRating.objects.create(
        person=person,
        period_kind=kind,
        period_start=start,
        confidence=4,
        warmth=4,
        dedication=4,
        patience=4,
        sincerity=4,
        carefulness=4,
        hearts_mean=Decimal(score),
        score=Decimal(score),
        rated_by=rated_by,
        remarks=f"评语 {person.username}",
    )


def training(person, starts_at, hours: str, *, state=TrainingSession.State.HELD, score=None, passed=None, by=None):
    session = TrainingSession.objects.create(
        number=f"PX-{person.pk}-{starts_at:%m%d}{state[:1]}",
        state=state,
        topic="product",
        title="断路器产品知识",
        starts_at=starts_at,
        hours=Decimal(hours),
        created_by=by or person,
    )
    return Attendance.objects.create(session=session, person=person, attended=True, exam_score=score, passed=passed)


def november():
    """Build the team's November 2026 and return its people and records."""
    manager, sales, sales2, engineer, boss = team("sc")
    caller = manager
    caller.groups.add(Group.objects.get(name="sales"))
    customer = CustomerFactory(salesperson=sales)

    # 1. Answered and closed on time (600 working minutes); a follow-up call scores 5.
    on_time = complaint(
        engineer,
        customer,
        "2026-11-02",
        responded=at("2026-11-02", "10:00"),
        closed=at("2026-11-03", "15:00"),
        minutes=600,
    )
    FollowUpFactory(complaint=on_time, satisfaction=5, called_at=at("2026-11-05"), called_by=caller)
    # 2. First response and resolution both late (1,440 minutes), unit SN-1.
    late = complaint(
        engineer,
        customer,
        "2026-11-05",
        responded=at("2026-11-06", "10:00"),
        closed=at("2026-11-09"),
        minutes=1440,
        serial_number="SN-1",
    )
    # 3. Closed on 11-11, reopened by an unsatisfied follow-up on 11-12 (scores 2): a repeat; its
    #    resolution deadline (11-12 09:00) passed in November while open: late.
    reopened = complaint(
        engineer,
        customer,
        "2026-11-10",
        responded=at("2026-11-10", "09:30"),
        closed=at("2026-11-11"),
        minutes=60,
        analysed=True,
        accepted=True,
        acceptance_date=datetime.date(2026, 11, 11),
    )
    follow_up_log(
        actor=caller,
        complaint=reopened,
        satisfaction=2,
        remarks="设备仍有异响",
        called_at=at("2026-11-12", "10:00"),
    )
    # 4. Paused for the customer from 11-17 to 11-19: its deadline moved from 11-18 to 11-20 09:00;
    #    closed 11-19 15:00, past the first deadline but on time (900 minutes). SN-1 again within
    #    90 days: a repeat.
    paused = complaint(
        engineer,
        customer,
        "2026-11-16",
        responded=at("2026-11-16", "09:10"),
        closed=at("2026-11-19", "15:00"),
        minutes=900,
        serial_number="SN-1",
        repeat_of=late,
        resolution_due_at=at("2026-11-20"),
        paused_total=48 * H,
    )
    # 5. Cancelled (reopened once before, SN-1, a follow-up scoring 1): counts nowhere.
    cancelled = complaint(engineer, customer, "2026-11-20", serial_number="SN-1", reopen_count=1, state="cancelled")
    FollowUpFactory(complaint=cancelled, satisfaction=1, called_at=at("2026-11-21"), called_by=caller)

    # Plan visits: 11-10 done the same day; 11-12 done the day after (late). A complaint visit
    # and a December plan visit do not count.
    plan = ServicePlanFactory(customer=customer, engineer=engineer)
    PlanVisitFactory(plan=plan, occurrence=datetime.date(2026, 11, 10), actual_end=at("2026-11-10", "16:00"))
    PlanVisitFactory(plan=plan, occurrence=datetime.date(2026, 11, 12), actual_end=at("2026-11-13", "10:00"))
    PlanVisitFactory(plan=plan, occurrence=datetime.date(2026, 12, 1), actual_end=at("2026-12-01", "10:00"))
    ServiceVisitFactory(
        complaint=on_time, engineer=engineer, planned_start=at("2026-11-02"), actual_end=at("2026-11-02")
    )

    # Survey: 王芳's customer answers the two attitude questions 4 and 5 (mean 4.50, one response);
    # the timeliness answer (1) is another dimension.
    response = ResponseFactory(customer=customer, submitted_at=at("2026-11-15"))
    for score in (4, 5):
        AnswerFactory(response=response, question=QuestionFactory(dimension=Dimension.ATTITUDE), score=score)
    AnswerFactory(response=response, question=QuestionFactory(dimension=Dimension.TIMELINESS), score=1)

    # Ratings: October 3.80 and November 4.20 (quarter mean 4.00); 王芳 has none.
    rating(engineer, manager, "month", datetime.date(2026, 10, 1), "3.80")
    rating(engineer, manager, "month", datetime.date(2026, 11, 1), "4.20")
    # Training: 3.5 h held with an exam of 85 (passed); a cancelled session does not count.
    training(engineer, at("2026-11-18", "14:00"), "3.5", score=Decimal("85"), passed=True)
    training(engineer, at("2026-11-25", "14:00"), "2.0", state=TrainingSession.State.CANCELLED)
    return SimpleNamespace(
        manager=manager,
        sales=sales,
        sales2=sales2,
        engineer=engineer,
        boss=boss,
        customer=customer,
        complaints=SimpleNamespace(on_time=on_time, late=late, reopened=reopened, paused=paused, cancelled=cancelled),
        follow_ups=FollowUp.objects.all(),
    )
