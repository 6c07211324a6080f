from django.db import migrations

from aftersales.roles import grant, revoke

# The working-day calendar drives the service clocks; the managers who own the
# service levels keep it up to date in the admin.
GRANTS = {
    "aftersales_manager": ["aftersales.view_calendarday", "aftersales.add_calendarday",
                           "aftersales.change_calendarday"],
    "quality_leader": ["aftersales.view_calendarday", "aftersales.add_calendarday", "aftersales.change_calendarday"],
    "quality_clerk": ["aftersales.view_calendarday", "aftersales.add_calendarday", "aftersales.change_calendarday"],
    "quality_deputy": ["aftersales.view_calendarday"],
}


def forwards(apps, schema_editor):
    grant(apps, GRANTS)
    # Holiday names were first loaded in English; show them in Chinese.
    import holidays

    CalendarDay = apps.get_model("aftersales", "CalendarDay")
    names = {}
    for year in range(2024, 2028):
        names.update(holidays.China(years=year, language="zh_CN"))
    for day in CalendarDay.objects.filter(kind="holiday", date__in=list(names)):
        day.name = names[day.date]
        day.save(update_fields=["name"])


def backwards(apps, schema_editor):
    revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("aftersales", "0004_seed_calendar")]

    operations = [migrations.RunPython(forwards, backwards)]
