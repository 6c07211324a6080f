"""Demo supervision: five units, the checklist, three months of monthly checks, this month's, site surveys, notices.

Everything is made through the services by the demo checkers (quality leader, quality clerk,
after-sales manager), so the records carry their events. Only the completion stamps of past
checks are moved back to their check dates afterwards (no service dates a completion in the
past). Nothing is added when supervision checks already exist.
"""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models.supervision import CheckFinding, CheckItem, ServiceUnit, SupervisionCheck
from .services import capa_record_reply
from .services import supervision as services

UNITS = [
    # code, name, kind, region, head
    ("ST-01", "莱阳服务站", ServiceUnit.Kind.STATION, "山东", "aftersales_manager"),
    ("ST-02", "烟台服务站", ServiceUnit.Kind.STATION, "山东", "aftersales_manager"),
    ("ST-03", "青岛服务站", ServiceUnit.Kind.STATION, "山东", "aftersales_manager"),
    ("DP-SALES", "销售业务部", ServiceUnit.Kind.DEPARTMENT, "", "sales"),
    ("DP-SERVICE", "售后服务组", ServiceUnit.Kind.DEPARTMENT, "", "aftersales_manager"),
]
ITEMS = [
    ("JC01", "服务热线接听及时", "服务热线", 15),
    ("JC02", "投诉处理时限", "投诉处理", 15),
    ("JC03", "回访记录完整", "回访", 10),
    ("JC04", "服务态度", "服务规范", 15),
    ("JC05", "现场服务规范", "服务规范", 15),
    ("JC06", "备件管理", "备件", 10),
    ("JC07", "客户档案", "资料", 10),
    ("JC08", "整改落实", "整改", 10),
]
CHECKERS = ["quality_leader", "quality_clerk", "aftersales_manager"]
FINDINGS = [
    ("回访记录缺少客户签字,三份回访单未填写满意度。", CheckFinding.Severity.MINOR),
    ("投诉受理后超过48小时未联系客户,未按时限处理。", CheckFinding.Severity.MAJOR),
    ("备件库账实不符,两种滤芯库存差异未说明原因。", CheckFinding.Severity.MAJOR),
]


def _month(today: date, back: int) -> date:
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def _users() -> dict:
    names = {*CHECKERS, "sales", "aftersales_manager"}
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def seed(*, stdout, style) -> None:
    """Add the demo supervision records unless checks exist already."""
    if SupervisionCheck.objects.exists():
        stdout.write("Supervision: checks already there, nothing added.")
        return
    users = _users()
    today = timezone.localdate()
    units = _units(users)
    for code, text, category, most in ITEMS:
        CheckItem.objects.get_or_create(
            code=code, defaults={"text": text, "category": category, "max_score": most, "order": int(code[2:])}
        )
    checks = []
    for back in (3, 2, 1):
        period = _month(today, back)
        for index, unit in enumerate(units):
            checks.append(
                _monthly(users, unit, period, period + timedelta(days=14 + index), index + back + period.month)
            )
    this_month = today.replace(day=1)
    for index, unit in enumerate(units[:3]):
        checks.append(_monthly(users, unit, this_month, today, index, draft=index == 2))
    surveys = _site_surveys(users, units, today)
    _notices(users, checks, today)
    stdout.write(
        style.SUCCESS(
            f"Supervision: {len(units)} units, {len(ITEMS)} checklist items, {len(checks)} monthly checks, "
            f"{len(surveys)} site surveys, {CheckFinding.objects.exclude(notice=None).count()} rectification notices."
        )
    )


def _units(users) -> list:
    units = []
    for code, name, kind, region, head in UNITS:
        unit, _created = ServiceUnit.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "region": region, "head": users.get(head)}
        )
        units.append(unit)
    return units


def _score_all(actor, check, seed: int) -> None:
    scores, draw = {}, random.Random(seed)  # the same figures on every run, varied per unit and month
    for row in check.scores.all():
        lost = draw.randint(0, 4)
        scores[row.item_id] = (max(row.max_score - lost, 0), "需改进" if lost >= 3 else "")
    services.check_score(actor=actor, check=check, scores=scores)


def _monthly(users, unit, period, checked_on, seed, *, draft=False):
    checked_on = min(checked_on, timezone.localdate())
    actor = users[CHECKERS[seed % len(CHECKERS)]]
    check = services.check_create(
        actor=actor, unit=unit, kind=SupervisionCheck.Kind.MONTHLY, period=period, checked_on=checked_on
    )
    _score_all(actor, check, seed)
    if seed % 3 == 1:
        text, severity = FINDINGS[seed // 3 % len(FINDINGS)]
        services.check_add_finding(actor=actor, check=check, description=text, severity=severity)
    if draft:
        return check
    services.check_complete(actor=actor, check=check)
    _backdate(check)
    if checked_on < timezone.localdate() - timedelta(days=3):
        services.check_record_meeting(
            actor=actor,
            check=check,
            held_on=checked_on + timedelta(days=2),
            notes="通报本月检查得分及投诉处理情况,布置整改。",
        )
    return check


def _backdate(check) -> None:
    """Stamp the completion on the check date (see the module docstring): no service writes a past stamp."""
    moment = timezone.make_aware(timezone.datetime.combine(check.checked_on, timezone.datetime.min.time()))
    SupervisionCheck.objects.filter(pk=check.pk).update(completed_at=moment + timedelta(hours=16))


def _site_surveys(users, units, today) -> list:
    surveys = []
    start = date(today.year, 1, 1)
    span = (today - start).days
    for index, unit in enumerate(units[:2]):
        checked_on = start + timedelta(days=span * (index + 1) // 3)
        actor = users["quality_leader"]
        check = services.check_create(
            actor=actor,
            unit=unit,
            kind=SupervisionCheck.Kind.SITE_SURVEY,
            period=checked_on.replace(day=1),
            checked_on=checked_on,
            customers_met="走访客户三家,召开用户座谈会一次。",
        )
        _score_all(actor, check, index + 7)
        services.check_complete(actor=actor, check=check)
        _backdate(check)
        surveys.append(check)
    return surveys


def _notices(users, checks, today) -> None:
    """Issue notices for the first two major findings; the first unit replies."""
    leader = users["quality_leader"]
    findings = CheckFinding.objects.filter(severity=CheckFinding.Severity.MAJOR).order_by("id")[:2]
    for index, finding in enumerate(findings):
        action = services.finding_issue_notice(
            actor=leader,
            finding=finding,
            reply_deadline=today + timedelta(days=10),
            due_date=today + timedelta(days=30),
        )
        if index == 0:
            capa_record_reply(
                actor=leader, action=action, reply_text="已制定整改措施,责任人已落实,限期完成。", received_on=today
            )
