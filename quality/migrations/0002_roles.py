from django.db import migrations

from aftersales.roles import grant, revoke

READ = [
    "quality.view_qualitysheet", "quality.view_departmenttask", "quality.view_assessment", "quality.view_sheetfile",
    "quality.view_capaaction", "quality.view_capacheck",
]
GRANTS = {
    "sales": READ + ["quality.raise_qualitysheet"],
    "aftersales_engineer": READ,
    "aftersales_manager": READ + ["quality.raise_qualitysheet"],
    "quality_engineer": READ + ["quality.raise_qualitysheet", "quality.add_capacheck", "quality.add_sheetfile"],
    "quality_leader": READ + [
        "quality.raise_qualitysheet", "quality.lead_qualitysheet", "quality.add_departmenttask",
        "quality.add_assessment", "quality.add_capaaction", "quality.change_capaaction", "quality.add_capacheck",
        "quality.verify_capaaction", "quality.export_qualitysheet", "quality.import_capaaction",
        "quality.export_capaaction", "quality.add_sheetfile",
    ],
    "quality_clerk": READ + [
        "quality.distribute_qualitysheet", "quality.add_departmenttask", "quality.export_qualitysheet",
        "quality.add_capaaction", "quality.change_capaaction", "quality.import_capaaction",
        "quality.export_capaaction", "quality.add_sheetfile",
    ],
    "quality_deputy": READ + ["quality.approve_qualitysheet", "quality.export_qualitysheet",
                              "quality.export_capaaction"],
    "general_manager": READ + ["quality.approve_major_qualitysheet", "quality.export_qualitysheet"],
    "management": READ,
}


def seed(apps, schema_editor):
    grant(apps, GRANTS)


def unseed(apps, schema_editor):
    revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
