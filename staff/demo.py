"""Demo staff records: the service team and who supervises it, then each area's records.

Run through ``manage.py seed_demo`` after the work records exist (the scorecards read
them). Each area seeds itself through its own services in ``demo_<area>.py``; nothing is
added where the area already has records.
"""

from django.contrib.auth import get_user_model

from . import demo_care, demo_ratings, demo_rewards, demo_training
from .models import StaffProfile

# username, supervisor, employee number, position
TEAM = [
    ("sales", "aftersales_manager", "KF-001", "客服专员"),
    ("sales2", "aftersales_manager", "KF-002", "客服专员"),
    ("aftersales_engineer", "aftersales_manager", "SH-011", "售后服务工程师"),
    ("aftersales_manager", "general_manager", "SH-001", "售后服务经理"),
]


def seed(*, stdout, style) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in={n for row in TEAM for n in row[:2]})}
    for username, supervisor, number, position in TEAM:
        if username in users:
            StaffProfile.objects.get_or_create(
                user=users[username],
                defaults={"supervisor": users.get(supervisor), "employee_number": number, "position": position},
            )
    stdout.write(f"  {StaffProfile.objects.count()} staff profiles")
    for area in (demo_ratings, demo_training, demo_rewards, demo_care):
        area.seed(stdout=stdout, style=style)
