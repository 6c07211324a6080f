"""Demo six-hearts ratings: a quarter of monthly ratings for the service team, one corrected, most acknowledged.

For each of the last three completed months the after-sales manager rates sales, sales2 and
the after-sales engineer, and the general manager rates the after-sales manager, all through
the services (so the customer's view is taken from the demo follow-up calls). The services
stamp "now", so each rating's signature, acknowledgement and correction are moved back to the
days after its month with a plain update afterwards (as ``surveys/demo.py`` ages its campaign).
Nothing is added when a rating exists already.
"""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from .hearts import HEART_FIELDS
from .models import RatingCorrection, SixHeartsRating
from .periods import MONTH, Period
from .services import ratings as services

SEED = 611
# rated person, rater, typical level (the mean they are rated around)
RATED = [
    ("sales", "aftersales_manager", 4.2),
    ("sales2", "aftersales_manager", 3.6),
    ("aftersales_engineer", "aftersales_manager", 4.5),
    ("aftersales_manager", "general_manager", 4.0),
]
REMARKS = {
    "sales": [
        "回访及时，客户沟通热情，记录偶有遗漏。",
        "本月主动跟进两起重大投诉，客户反馈良好。",
        "服务态度好，需加强产品技术知识学习。",
    ],
    "sales2": [
        "响应速度有待提高，部分投诉未按时回复。",
        "耐心解释客户疑问，但跟踪闭环不够及时。",
        "本月改进明显，投诉记录完整。",
    ],
    "aftersales_engineer": [
        "现场处理果断，技术过硬，客户信任度高。",
        "备件领用记录清楚，服务报告填写规范。",
        "连续夜间抢修，责任心强，值得表扬。",
    ],
    "aftersales_manager": [
        "团队管理到位，月度检查按计划完成。",
        "重大投诉协调及时，需加强培训计划执行。",
        "服务质量稳定，客户满意度有所提升。",
    ],
}
ACKNOWLEDGEMENTS = ["已阅，会继续改进。", "收到，谢谢经理的指导。", ""]


def _at(day, hour: int):
    return timezone.make_aware(datetime.combine(day, time(hour, 30)))


def _scores(rng: random.Random, level: float) -> dict:
    return {field: max(1, min(5, round(rng.gauss(level, 0.6)))) for field in HEART_FIELDS}


def seed(*, stdout, style) -> None:
    if SixHeartsRating.objects.exists():
        stdout.write("  six-hearts ratings exist: none added")
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in={n for row in RATED for n in row[:2]})}
    rng = random.Random(SEED)
    month = Period.last_completed(MONTH)
    months = [month, month.previous(), month.previous().previous()][::-1]  # oldest first
    signed = 0
    for index, period in enumerate(months):
        for username, rater, level in RATED:
            person, actor = users.get(username), users.get(rater)
            if person is None or actor is None:
                continue
            rating = services.rating_sign(
                actor=actor,
                person=person,
                period=period,
                scores=_scores(rng, level),
                remarks=REMARKS[username][index % len(REMARKS[username])],
            )
            signed += 1
            now = timezone.now()
            signed_at = min(_at(period.end + timedelta(days=2), 10), now)
            newest = index == len(months) - 1
            if username == "sales2" and index == 1:
                scores = {field: getattr(rating, field) for field in HEART_FIELDS}
                scores["patience"] = min(5, scores["patience"] + 1)
                services.rating_correct(
                    actor=actor,
                    rating=rating,
                    scores=scores,
                    remarks=rating.remarks + "（已更正：补充客户表扬信）",
                    reason="评定后收到客户表扬信，反映其耐心解释设备操作，耐心项上调一分。",
                )
                RatingCorrection.objects.filter(rating=rating).update(
                    corrected_at=min(signed_at + timedelta(days=3), now)
                )
            acknowledged = not (newest and username in ("sales2", "aftersales_engineer"))
            if acknowledged:
                services.rating_acknowledge(
                    actor=person, rating=rating, comment=ACKNOWLEDGEMENTS[rng.randrange(len(ACKNOWLEDGEMENTS))]
                )
            SixHeartsRating.objects.filter(pk=rating.pk).update(
                rated_at=signed_at,
                acknowledged_at=min(signed_at + timedelta(days=4, hours=3), now) if acknowledged else None,
            )
    stdout.write(f"  {signed} six-hearts ratings over {len(months)} months")
