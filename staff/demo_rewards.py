"""Demo rewards and penalties: a quarter of manual entries by the after-sales manager and general manager."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import RewardPenalty
from .services.rewards import reward_record

R, P = RewardPenalty.Kind.REWARD, RewardPenalty.Kind.PENALTY
C, M = RewardPenalty.Category, RewardPenalty.Measure
# days ago, recorder, person, type, category, measured in, value, reason
ENTRIES = [
    (
        80,
        "aftersales_manager",
        "aftersales_engineer",
        R,
        C.COMMENDATION,
        M.NONE,
        0,
        "现场抢修及时，4小时内恢复送电，客户来电表扬",
    ),
    (71, "aftersales_manager", "sales", P, C.WARNING, M.NONE, 0, "投诉回访超期两天未完成，口头警告"),
    (60, "general_manager", "aftersales_engineer", R, C.BONUS, M.AMOUNT, 500, "季度安装调试零返工，发放奖金"),
    (52, "aftersales_manager", "sales2", R, C.POINTS, M.POINTS, 2, "主动收集客户改进建议三条，加分"),
    (40, "aftersales_manager", "sales", P, C.POINTS, M.POINTS, 1, "回访记录填写不完整，扣分"),
    (31, "general_manager", "aftersales_manager", R, C.COMMENDATION, M.NONE, 0, "重大质量投诉处理得当，客户满意度回升"),
    (18, "aftersales_manager", "aftersales_engineer", P, C.FINE, M.AMOUNT, 200, "备件领用未登记，罚款"),
    (6, "aftersales_manager", "sales2", R, C.BONUS, M.AMOUNT, 300, "客户满意度调查回收率第一"),
]


def seed(*, stdout, style) -> None:
    if RewardPenalty.objects.exists():
        stdout.write("  rewards and penalties already there")
        return
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in={e[1] for e in ENTRIES} | {e[2] for e in ENTRIES})
    }
    today = timezone.localdate()
    count = 0
    for days, recorder, person, kind, category, measure, value, reason in ENTRIES:
        if recorder not in users or person not in users:
            continue
        reward_record(
            actor=users[recorder],
            person=users[person],
            kind=kind,
            category=category,
            measure=measure,
            value=Decimal(value),
            occurred_on=today - timedelta(days=days),
            reason=reason,
        )
        count += 1
    stdout.write(f"  {count} rewards and penalties")
