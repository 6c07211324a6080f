"""Set the working resolution time of the complaints closed before it was recorded on closing."""

from django.db import migrations

BATCH = 500


def backfill(apps, schema_editor):
    from aftersales.workcalendar import WorkingHours
    from complaints.clock import working_resolution_minutes

    Complaint = apps.get_model("complaints", "Complaint")
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    PausePeriod = apps.get_model("complaints", "PausePeriod")
    default = SlaPolicy(workday_start=WorkingHours().start, workday_end=WorkingHours().end)
    policies = {policy.severity: policy for policy in SlaPolicy.objects.all()}
    closed = Complaint.objects.filter(state="closed", closed_at__isnull=False, resolution_working_minutes__isnull=True)
    for complaint in closed.only("pk", "severity", "received_at", "closed_at").iterator(chunk_size=BATCH):
        pauses = PausePeriod.objects.filter(complaint_id=complaint.pk).values_list("started_at", "ended_at")
        minutes = working_resolution_minutes(
            policies.get(complaint.severity, default), complaint.received_at, complaint.closed_at, pauses
        )
        Complaint.objects.filter(pk=complaint.pk).update(resolution_working_minutes=minutes)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0014_complaint_resolution_working_minutes")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
