from django.db import migrations

from aftersales.roles import grant, revoke

READ = [
    "complaints.view_complaint", "complaints.view_all_complaints", "complaints.view_servicevisit",
    "complaints.view_returnrecord", "complaints.view_followup", "complaints.view_casesummary",
    "complaints.view_attachment", "complaints.view_complaintevent",
]
HANDLE = READ + [
    "complaints.add_complaint", "complaints.handle_complaint", "complaints.close_complaint",
    "complaints.add_servicevisit", "complaints.change_servicevisit", "complaints.add_returnrecord",
    "complaints.change_returnrecord", "complaints.add_followup", "complaints.add_casesummary",
    "complaints.change_casesummary", "complaints.add_attachment",
]
GRANTS = {
    # Sales: the single channel to customers; sees its own customers' complaints.
    "sales": [
        "complaints.view_complaint", "complaints.add_complaint", "complaints.close_complaint",
        "complaints.add_followup", "complaints.view_followup", "complaints.view_servicevisit",
        "complaints.view_returnrecord", "complaints.add_returnrecord", "complaints.view_casesummary",
        "complaints.add_attachment", "complaints.view_attachment",
    ],
    "aftersales_engineer": HANDLE,
    "aftersales_manager": HANDLE + [
        "complaints.approve_complaint", "complaints.cancel_complaint", "complaints.export_complaint",
        "complaints.export_returnrecord", "complaints.accept_servicevisit", "complaints.view_slapolicy",
        "complaints.change_slapolicy",
    ],
    "quality_engineer": READ,
    "quality_leader": READ + ["complaints.export_complaint", "complaints.export_returnrecord",
                              "complaints.view_slapolicy", "complaints.change_slapolicy"],
    "quality_clerk": READ + ["complaints.export_complaint", "complaints.export_returnrecord",
                             "complaints.change_returnrecord"],
    "quality_deputy": READ + ["complaints.export_complaint", "complaints.view_slapolicy",
                              "complaints.change_slapolicy"],
    "general_manager": READ + ["complaints.approve_major_complaint", "complaints.export_complaint"],
    "management": READ,
    "warehouse_keeper": ["complaints.view_returnrecord", "complaints.change_returnrecord"],
}


def seed(apps, schema_editor):
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    for severity in ("general", "serious", "major"):
        SlaPolicy.objects.get_or_create(severity=severity)
    grant(apps, GRANTS)


def unseed(apps, schema_editor):
    revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
