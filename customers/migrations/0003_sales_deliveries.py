from django.db import migrations

from aftersales.roles import grant, revoke

# Sales staff keep their own customers' files complete, deliveries included.
GRANTS = {"sales": ["customers.add_delivery", "customers.change_delivery"]}


def forwards(apps, schema_editor):
    grant(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_tiers_roles_search_index")]

    operations = [migrations.RunPython(forwards, backwards)]
