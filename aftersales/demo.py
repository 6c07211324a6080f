"""Demo users: one per role, a second salesperson and a superuser, all with one password.

Run through ``manage.py seed_demo``. Rerunning resets these accounts (names, roles,
password, login lockouts) so the printed credentials always work.
"""

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _

from . import roles

DEMO_PASSWORD = "demo-pass-2026"
DEMO_SALT = "aftersalesDemoSeed2026xyz"  # long enough that login does not rehash it
ADMIN_USERNAME = "admin"

# username, role, family name, given name, department, phone, Django admin access
DEMO_USERS = [
    ("sales", roles.SALES, "王", "芳", "销售业务部", "13851234501", False),
    ("sales2", roles.SALES, "李", "强", "销售业务部", "13951234502", False),
    ("aftersales_engineer", roles.AFTERSALES_ENGINEER, "张", "伟", "售后服务组", "15851234503", False),
    ("aftersales_manager", roles.AFTERSALES_MANAGER, "刘", "洋", "售后服务组", "15951234504", True),
    ("quality_engineer", roles.QUALITY_ENGINEER, "陈", "静", "质量组", "18651234505", False),
    ("quality_leader", roles.QUALITY_LEADER, "杨", "军", "质量组", "18751234506", True),
    ("quality_clerk", roles.QUALITY_CLERK, "赵", "丽", "质量组", "18951234507", True),
    ("quality_deputy", roles.QUALITY_DEPUTY, "黄", "建国", "质量组", "13651234508", True),
    ("general_manager", roles.GENERAL_MANAGER, "周", "明", "总经办", "13751234509", False),
    ("warehouse_keeper", roles.WAREHOUSE_KEEPER, "吴", "磊", "仓库", "15051234510", False),
    ("purchasing", roles.PURCHASING, "徐", "敏", "采购部", "15251234511", True),  # keeps suppliers in the admin
    ("management", roles.MANAGEMENT, "孙", "志刚", "总经办", "18051234512", False),
]


def seed(*, stdout, style) -> None:
    """Create or reset the demo accounts and print their credentials."""
    # One hash for every account, as hashing is deliberately slow. A fixed salt gives the same
    # hash on every run, so a rerun does not log the demo users out of open sessions.
    password = make_password(DEMO_PASSWORD, salt=DEMO_SALT)
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL)}
    rows = []
    for username, role, last_name, first_name, department, phone, is_staff in DEMO_USERS:
        names = {"last_name": last_name, "first_name": first_name, "department": department, "phone": phone}
        user = _reset_user(username, password, **names, is_staff=is_staff, is_superuser=False)
        user.groups.set([groups[role]])
        rows.append((username, str(roles.LABELS[role]), user.get_full_name()))
    names = {"last_name": "", "first_name": "系统管理员", "department": "总经办", "phone": ""}
    admin = _reset_user(ADMIN_USERNAME, password, **names, is_staff=True, is_superuser=True)
    rows.append((ADMIN_USERNAME, _("Superuser"), admin.get_full_name()))
    # Lift login lockouts (django-axes) left by failed attempts on these accounts.
    AccessAttempt.objects.filter(username__in=[row[0] for row in rows]).delete()
    _print_table(rows, stdout=stdout, style=style)


def _reset_user(username: str, password_hash: str, **fields):
    user, _created = get_user_model().objects.update_or_create(
        username=username,
        defaults={**fields, "email": f"{username}@example.com", "is_active": True, "password": password_hash},
    )
    return user


def _print_table(rows, *, stdout, style) -> None:
    width = max(len(username) for username, *_rest in rows)
    stdout.write(style.MIGRATE_HEADING(_("Demo accounts (password for all: %s)") % DEMO_PASSWORD))
    for username, label, name in rows:
        stdout.write(f"  {username.ljust(width)}  {DEMO_PASSWORD}  {label} · {name}")
