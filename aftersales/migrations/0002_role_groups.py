from django.db import migrations

ROLES = [
    "sales", "aftersales_engineer", "aftersales_manager", "quality_engineer", "quality_leader",
    "quality_clerk", "quality_deputy", "general_manager", "warehouse_keeper", "purchasing", "management",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("aftersales", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
