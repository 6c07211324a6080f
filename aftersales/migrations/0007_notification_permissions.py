from django.db import migrations

from aftersales.roles import grant, revoke

# The managers who work in the admin watch the notification outbox and resend the messages
# that could not be delivered (a wrong address, a mail server that refused for hours).
GRANTS = {
    "aftersales_manager": ["aftersales.view_notification", "aftersales.resend_notification"],
    "quality_leader": ["aftersales.view_notification", "aftersales.resend_notification"],
}


def forwards(apps, schema_editor):
    grant(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("aftersales", "0006_notification_outbox")]

    operations = [migrations.RunPython(forwards, backwards)]
