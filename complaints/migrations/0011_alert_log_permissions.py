from django.db import migrations

from aftersales.roles import grant, revoke

# The sweeper's alert log in the admin: for those who manage the service levels.
GRANTS = {
    role: ["complaints.view_servicelevelalert"] for role in ("aftersales_manager", "quality_leader", "quality_deputy")
}


def forwards(apps, schema_editor):
    grant(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0010_signature_index")]

    operations = [migrations.RunPython(forwards, backwards)]
