from django.db import migrations

from aftersales.roles import grant, revoke

READ = ["quality.view_serviceunit", "quality.view_checkitem", "quality.view_supervisioncheck",
        "quality.view_checkscore", "quality.view_checkfinding"]
CONDUCT = ["quality.conduct_supervisioncheck", "quality.add_supervisioncheck", "quality.change_supervisioncheck",
           "quality.add_checkfinding", "quality.change_checkfinding"]
MASTER = ["quality.add_serviceunit", "quality.change_serviceunit", "quality.add_checkitem", "quality.change_checkitem"]
GRANTS = {
    "aftersales_manager": READ + CONDUCT,
    "quality_engineer": READ,
    "quality_leader": READ + CONDUCT + MASTER,
    "quality_clerk": READ + CONDUCT,
    "quality_deputy": READ,
    "general_manager": READ,
    "management": READ,
}


def seed(apps, schema_editor):
    grant(apps, GRANTS)


def unseed(apps, schema_editor):
    revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("quality", "0005_supervision")]

    operations = [migrations.RunPython(seed, unseed)]
