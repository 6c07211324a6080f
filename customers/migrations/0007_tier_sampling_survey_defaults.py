"""Tiers' survey sampling ratios as the survey procedure sets them: A 100 %, B 50 %, C 20 %.

Only ratios still at their first seeded values (B 0.60, C 0.30) change: a ratio someone set
in the admin is kept.
"""

from decimal import Decimal

from django.db import migrations

CHANGES = {"B": (Decimal("0.60"), Decimal("0.50")), "C": (Decimal("0.30"), Decimal("0.20"))}


def forward(apps, schema_editor):
    CustomerTier = apps.get_model("customers", "CustomerTier")
    for code, (old, new) in CHANGES.items():
        CustomerTier.objects.filter(code=code, sampling_ratio=old).update(sampling_ratio=new)


def backward(apps, schema_editor):
    CustomerTier = apps.get_model("customers", "CustomerTier")
    for code, (old, new) in CHANGES.items():
        CustomerTier.objects.filter(code=code, sampling_ratio=new).update(sampling_ratio=old)


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_customer_fk_indexes_covered")]

    operations = [migrations.RunPython(forward, backward)]
