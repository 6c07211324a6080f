from django.db import migrations

from aftersales.roles import grant, revoke

LEDGER_READ = [
    "customers.view_customer", "customers.view_all_customers", "customers.view_contact",
    "customers.view_delivery", "customers.view_interaction", "customers.view_productmodel",
    "customers.view_customertier",
]
AFTERSALES_WRITE = [
    "customers.add_customer", "customers.change_customer", "customers.add_contact", "customers.change_contact",
    "customers.add_delivery", "customers.change_delivery", "customers.add_interaction",
]
IMPORT_EXPORT = [
    "customers.import_customer", "customers.export_customer", "customers.import_contact",
    "customers.export_contact", "customers.import_delivery", "customers.export_delivery",
]
ADMIN_LEDGER = [
    "customers.change_customer", "customers.add_customer", "customers.add_contact", "customers.change_contact",
    "customers.add_delivery", "customers.change_delivery", "customers.add_productmodel",
    "customers.change_productmodel", "customers.change_customertier",
]

GRANTS = {
    # Sales staff: their own customers only (no view_all_customers).
    "sales": [
        "customers.view_customer", "customers.view_contact", "customers.view_delivery",
        "customers.view_interaction", "customers.view_productmodel", "customers.add_customer",
        "customers.change_customer", "customers.add_contact", "customers.change_contact",
        "customers.add_interaction",
    ],
    "aftersales_engineer": LEDGER_READ + AFTERSALES_WRITE,
    "aftersales_manager": LEDGER_READ + AFTERSALES_WRITE,
    "quality_engineer": LEDGER_READ,
    "quality_leader": LEDGER_READ + ADMIN_LEDGER + IMPORT_EXPORT,
    "quality_clerk": LEDGER_READ + ADMIN_LEDGER + IMPORT_EXPORT,
    "quality_deputy": LEDGER_READ + ["customers.export_customer", "customers.export_contact",
                                     "customers.export_delivery"],
    "general_manager": LEDGER_READ,
    "management": LEDGER_READ,
}

TIERS = [("A", "A 类（重点）", "3.00", "1.00"), ("B", "B 类（一般）", "2.00", "0.60"), ("C", "C 类（普通）", "1.00", "0.30")]


def seed(apps, schema_editor):
    CustomerTier = apps.get_model("customers", "CustomerTier")
    for code, name, weight, ratio in TIERS:
        CustomerTier.objects.get_or_create(
            code=code, defaults={"name": name, "survey_weight": weight, "sampling_ratio": ratio}
        )
    grant(apps, GRANTS)


def unseed(apps, schema_editor):
    revoke(apps, GRANTS)


def trigram_index(apps, schema_editor):
    # A substring search on customer names uses a trigram index in PostgreSQL; the
    # expression matches what Django's icontains lookup generates.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customer_name_trgm ON customers_customer "
        "USING gin (UPPER(name::text) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customer_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial"), ("aftersales", "0002_role_groups")]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
