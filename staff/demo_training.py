"""Demo records of the training area: this year's approved plan, sessions held, cancelled and to come.

Everything goes through the services as the after-sales manager; the services stamp "now",
so held sessions are moved back into the year with plain updates afterwards. Nothing is
added when a plan exists.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import Topic, TrainingEvent, TrainingPlan, TrainingSession
from .services import training as services

COURSES = [
    (Topic.PROCESS, "售后服务管理制度与流程", 1, "4", "全体售后人员"),
    (Topic.PRODUCT, "新产品结构与性能", 2, "3", "服务工程师、客服专员"),
    (Topic.COMMUNICATION, "客户沟通与投诉处理技巧（六心服务）", 3, "2", "客服专员"),
    (Topic.TECHNICAL, "常见故障诊断与排除", 4, "4", "服务工程师"),
    (Topic.QUALITY, "IATF 16949 与 8D 报告", 5, "3", "全体售后人员"),
    (Topic.SAFETY, "现场服务安全规范", 6, "2", "服务工程师"),
    (Topic.ASSESSMENT, "考核与奖惩办法", 7, "1.5", "全体售后人员"),
    (Topic.PRODUCT, "备件识别与更换", 9, "3", "服务工程师"),
    (Topic.COMMUNICATION, "回访与满意度调查", 10, "2", "客服专员"),
    (Topic.TECHNICAL, "调试与验收规范", 12, "3", "服务工程师"),
]
# per held session: scores of sales, sales2, engineer (None = absent)
SCORES = [
    (88, 92, 85),
    (76, 81, 90),
    (None, 78, 83),  # sales absent
    (91, 55, 87),  # sales2 failed
    (84, 86, 79),
    (90, 88, 93),
    (72, 80, 75),
    (95, 89, 91),
]


def seed(*, stdout, style) -> None:
    if TrainingPlan.objects.exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
    manager = users.get("aftersales_manager")
    people = [users[name] for name in ("sales", "sales2", "aftersales_engineer") if name in users]
    if manager is None or len(people) < 3:
        return
    now = timezone.now()
    year = timezone.localdate().year
    plan = services.plan_create(actor=manager, year=year, title=f"{year} 年度售后服务培训计划")
    items = [
        services.plan_item_add(
            actor=manager, plan=plan, topic=topic, title=title, month=month, planned_hours=Decimal(hours), audience=who
        )
        for topic, title, month, hours, who in COURSES
    ]
    services.plan_approve(actor=manager, plan=plan)
    start_of_year = timezone.make_aware(datetime.datetime(year, 1, 1, 9, 0))
    TrainingPlan.objects.filter(pk=plan.pk).update(approved_at=start_of_year - datetime.timedelta(days=20))
    span = now - start_of_year
    soon = now + datetime.timedelta(hours=1)
    for index, scores in enumerate(SCORES):
        item = items[index]
        session = services.session_schedule(
            actor=manager,
            topic=item.topic,
            title=item.title,
            starts_at=soon,
            hours=item.planned_hours,
            trainer=manager,
            location="公司三楼培训室",
            description=item.audience,
            plan_item=item,
            attendees=people,
        )
        held_at = (start_of_year + span * (index + 1) / (len(SCORES) + 1)).replace(minute=0, second=0, microsecond=0)
        TrainingSession.objects.filter(pk=session.pk).update(starts_at=held_at)
        session.refresh_from_db()
        results = {p.pk: (score is not None, score) for p, score in zip(people, scores, strict=True)}
        services.session_hold(
            actor=manager,
            session=session,
            results=results,
            now=held_at + datetime.timedelta(hours=float(item.planned_hours)),
        )
        session.events.update(at=held_at)
    cancelled = services.session_schedule(
        actor=manager,
        topic=items[8].topic,
        title=items[8].title,
        starts_at=now + datetime.timedelta(days=3),
        hours=items[8].planned_hours,
        trainer_name="外聘讲师 王老师",
        plan_item=items[8],
        attendees=people,
    )
    services.session_cancel(actor=manager, session=cancelled, reason="讲师时间冲突，改期另行通知")
    tomorrow = timezone.localtime(now + datetime.timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
    services.session_schedule(
        actor=manager,
        topic=items[9].topic,
        title=items[9].title,
        starts_at=tomorrow,
        hours=items[9].planned_hours,
        trainer=manager,
        location="公司三楼培训室",
        plan_item=items[9] if tomorrow.year == year else None,
        attendees=people,
    )
    services.session_schedule(
        actor=manager,
        topic=Topic.COMMUNICATION,
        title="投诉电话接听演练",
        starts_at=tomorrow + datetime.timedelta(days=6),
        hours=Decimal("1.5"),
        trainer=manager,
        location="客服中心",
        has_exam=False,
        attendees=people[:2],
    )
    stdout.write(
        f"  training: plan {year} with {len(items)} courses, "
        f"{TrainingSession.objects.count()} sessions, {TrainingEvent.objects.count()} timeline entries"
    )
