"""Rename the moved tables from complaints_* to servicing_*; rows, keys and indexes stay.

The complaint timeline stores each changed field with its model's label
(``{"model": "complaints.servicevisit", "field": ...}``, see aftersales.audit); those labels
follow the models, or the field changes of visits and returns recorded before the move
would vanish from the timeline.
"""

from django.db import migrations

MOVED = ("servicevisit", "returnrecord", "followup", "casesummary")


def _relabel(apps, schema_editor, old_label, new_label):
    ComplaintEvent = apps.get_model("complaints", "ComplaintEvent")
    old_names = {f"{old_label}.{name}": f"{new_label}.{name}" for name in MOVED}
    events = ComplaintEvent.objects.using(schema_editor.connection.alias).exclude(changes=None)
    changed = []
    for event in events.filter(action__in=["visit", "return", "follow_up"]).only("pk", "changes").iterator(2000):
        if not isinstance(event.changes, list):
            continue
        relabelled = [
            {**change, "model": old_names[change["model"]]}
            if isinstance(change, dict) and change.get("model") in old_names
            else change
            for change in event.changes
        ]
        if relabelled != event.changes:
            event.changes = relabelled
            changed.append(event)
    ComplaintEvent.objects.using(schema_editor.connection.alias).bulk_update(changed, ["changes"], batch_size=1000)


def forward(apps, schema_editor):
    _relabel(apps, schema_editor, "complaints", "servicing")


def backward(apps, schema_editor):
    _relabel(apps, schema_editor, "servicing", "complaints")


class Migration(migrations.Migration):
    dependencies = [("servicing", "0001_initial")]

    operations = [
        *(migrations.AlterModelTable(name=name, table=None) for name in MOVED),
        migrations.RunPython(forward, backward),
    ]
