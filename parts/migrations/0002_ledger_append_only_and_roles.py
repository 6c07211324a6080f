"""The stock ledger refuses UPDATE and DELETE on PostgreSQL; the roles get the parts permissions."""

from django.db import migrations

from aftersales.roles import grant, revoke

TRIGGER = """
CREATE OR REPLACE FUNCTION parts_stockmove_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the stock ledger is append-only: % refused on parts_stockmove', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER parts_stockmove_append_only
    BEFORE UPDATE OR DELETE ON parts_stockmove
    FOR EACH ROW EXECUTE FUNCTION parts_stockmove_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS parts_stockmove_append_only ON parts_stockmove;
DROP FUNCTION IF EXISTS parts_stockmove_append_only();
"""

READ = ["parts.view_part", "parts.view_warehouse", "parts.view_stocklevel", "parts.view_stockmove"]
MASTER = ["parts.add_part", "parts.change_part", "parts.add_partcategory", "parts.change_partcategory"]
GRANTS = {
    "aftersales_engineer": READ,
    "aftersales_manager": READ + ["parts.change_stocklevel"],
    # The keeper moves stock and keeps the catalogue and the warehouses' settings.
    "warehouse_keeper": READ
    + MASTER
    + ["parts.move_stock", "parts.change_stocklevel", "parts.add_warehouse", "parts.change_warehouse"],
    "purchasing": READ + MASTER + ["parts.change_stocklevel"],
    "management": READ,
}


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


def grant_roles(apps, schema_editor):
    grant(apps, GRANTS)


def revoke_roles(apps, schema_editor):
    revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("parts", "0001_catalogue_and_ledger")]

    operations = [
        migrations.RunPython(add_trigger, drop_trigger),
        migrations.RunPython(grant_roles, revoke_roles),
    ]
