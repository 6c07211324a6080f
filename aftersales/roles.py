"""The roles of the after-sales and quality procedures, kept as auth Groups.

A Group's name is the stable role code below; what a role may do is the set of model
permissions granted to its Group. Each app grants its own permissions in a data
migration through :func:`grant`, so rerunning migrations changes nothing.
"""

from django.utils.translation import gettext_lazy as _

SALES = "sales"
AFTERSALES_ENGINEER = "aftersales_engineer"
AFTERSALES_MANAGER = "aftersales_manager"
QUALITY_ENGINEER = "quality_engineer"
QUALITY_LEADER = "quality_leader"
QUALITY_CLERK = "quality_clerk"
QUALITY_DEPUTY = "quality_deputy"
GENERAL_MANAGER = "general_manager"
WAREHOUSE_KEEPER = "warehouse_keeper"
PURCHASING = "purchasing"
MANAGEMENT = "management"

LABELS = {
    SALES: _("Sales / customer service"),
    AFTERSALES_ENGINEER: _("After-sales engineer"),
    AFTERSALES_MANAGER: _("After-sales manager"),
    QUALITY_ENGINEER: _("Quality engineer"),
    QUALITY_LEADER: _("Quality group leader"),
    QUALITY_CLERK: _("Quality clerk"),
    QUALITY_DEPUTY: _("Quality deputy leader"),
    GENERAL_MANAGER: _("General manager"),
    WAREHOUSE_KEEPER: _("Warehouse keeper"),
    PURCHASING: _("Purchasing"),
    MANAGEMENT: _("Management (read-only)"),
}
ALL = list(LABELS)

AFTERSALES = (AFTERSALES_ENGINEER, AFTERSALES_MANAGER)
QUALITY = (QUALITY_ENGINEER, QUALITY_LEADER, QUALITY_CLERK, QUALITY_DEPUTY)


def holders(code: str):
    """Return the active users who hold the role ``code`` (the recipients of its e-mails)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, groups__name=code).distinct()


def ensure_permissions(apps) -> None:
    """Create the model permissions of every app now, not at the end of migrate."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant(apps, grants: dict[str, list[str]]) -> None:
    """Add permissions ("app_label.codename") to role groups; idempotent."""
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in grants.items():
        group, _created = Group.objects.get_or_create(name=role)
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, grants: dict[str, list[str]]) -> None:
    """Undo :func:`grant` when a migration is reversed."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in grants.items():
        group = Group.objects.filter(name=role).first()
        if group is None:
            continue
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))
