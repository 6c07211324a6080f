from django.db import migrations

from aftersales.roles import grant, revoke

# The warehouse receives every returned unit, whoever the customer's salesperson is.
GRANTS = {"warehouse_keeper": ["complaints.view_all_complaints"]}


def forwards(apps, schema_editor):
    grant(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_policies_and_roles")]

    operations = [migrations.RunPython(forwards, backwards)]
