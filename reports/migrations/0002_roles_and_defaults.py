from django.db import migrations

from aftersales.roles import grant, revoke

# Everyone has the dashboard (sales see their own customers' figures); the monthly report
# covers every customer, so it is for the managers and the quality group. The quality group
# leader and deputy write its analysis, resend it and regenerate past months.
DASHBOARD = ["reports.view_dashboard"]
MONTHLY = ["reports.view_monthlyreport", "reports.view_repeatfailurealert", "reports.view_audit"]
LEAD = [
    "reports.write_analysis", "reports.regenerate_report", "reports.change_repeatfailurealert",
    "reports.view_reportschedule", "reports.change_reportschedule",
    "reports.view_repeatfailurerule", "reports.change_repeatfailurerule",
]
GRANTS = {
    "sales": DASHBOARD,
    "aftersales_engineer": DASHBOARD,
    "aftersales_manager": DASHBOARD + MONTHLY,
    "quality_engineer": DASHBOARD + MONTHLY,
    "quality_leader": DASHBOARD + MONTHLY + LEAD,
    "quality_clerk": DASHBOARD + MONTHLY,
    "quality_deputy": DASHBOARD + MONTHLY + LEAD,
    "general_manager": DASHBOARD + MONTHLY,
    "warehouse_keeper": DASHBOARD,
    "purchasing": DASHBOARD,
    "management": DASHBOARD + MONTHLY,
}


def seed(apps, schema_editor):
    grant(apps, GRANTS)
    apps.get_model("reports", "ReportSchedule").objects.get_or_create(kind="monthly")
    rule = apps.get_model("reports", "RepeatFailureRule")
    for kind in ("model_cause", "batch"):
        rule.objects.get_or_create(kind=kind, defaults={"threshold": 3, "window_days": 30})


def unseed(apps, schema_editor):
    revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
