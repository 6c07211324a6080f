from django.db import migrations


def seed(apps, schema_editor):
    # China's public holidays and make-up working days from the pinned holidays package;
    # later years are loaded in the admin or with `manage.py load_holidays`.
    import holidays

    CalendarDay = apps.get_model("aftersales", "CalendarDay")
    for year in range(2024, 2028):
        cn = holidays.China(years=year, language="zh_CN")
        for day, name in cn.items():
            CalendarDay.objects.get_or_create(date=day, defaults={"kind": "holiday", "name": name})
        for day in cn.weekend_workdays:
            if day.year == year:
                CalendarDay.objects.get_or_create(date=day, defaults={"kind": "workday", "name": "调休上班"})


class Migration(migrations.Migration):
    dependencies = [("aftersales", "0003_calendar_sequences_department_head")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
