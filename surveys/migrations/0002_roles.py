from django.db import migrations

from aftersales.roles import grant, revoke

# Sales read and key in answers of their own customers only (Response.objects.visible_to).
READ = [
    "surveys.view_questionnaire", "surveys.view_campaign", "surveys.view_response", "surveys.view_answer",
    "surveys.view_finding",
]
BUILD = [
    "surveys.add_questionnaire", "surveys.change_questionnaire", "surveys.add_campaign", "surveys.change_campaign",
    "surveys.enter_response", "surveys.export_campaign", "surveys.change_response",
]
GRANTS = {
    "sales": READ + ["surveys.enter_response", "surveys.change_response"],
    "aftersales_engineer": READ,
    "aftersales_manager": READ + ["surveys.enter_response", "surveys.change_response", "surveys.export_campaign"],
    "quality_engineer": READ + BUILD,
    "quality_clerk": READ + BUILD,
    "quality_leader": READ + BUILD + ["surveys.conclude_campaign", "surveys.add_finding"],
    "quality_deputy": READ + ["surveys.export_campaign"],
    "general_manager": READ + ["surveys.export_campaign"],
    "management": READ + ["surveys.export_campaign"],
}


def seed(apps, schema_editor):
    grant(apps, GRANTS)


def unseed(apps, schema_editor):
    revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
