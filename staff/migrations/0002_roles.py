from django.db import migrations

from aftersales.roles import grant, revoke

# Everyone reads the training calendar and their own staff records; the pages scope every row
# through staff.access (own, team, or everyone with staff.view_all_staff).
READ = [
    "staff.view_sixheartsrating", "staff.view_ratingcorrection", "staff.view_rewardpenalty",
    "staff.view_trainingplan", "staff.view_trainingplanitem", "staff.view_trainingsession",
    "staff.view_attendance", "staff.view_trainingmaterial", "staff.view_staffprofile",
]
RATE = ["staff.rate_staff", "staff.add_sixheartsrating", "staff.change_sixheartsrating"]
REWARD = ["staff.add_rewardpenalty", "staff.change_rewardpenalty", "staff.export_rewardpenalty"]
TRAIN = [
    "staff.manage_training", "staff.add_trainingplan", "staff.change_trainingplan", "staff.add_trainingsession",
    "staff.change_trainingsession", "staff.add_attendance", "staff.change_attendance", "staff.add_trainingmaterial",
]
CARE = ["staff.view_greeting", "staff.change_greeting", "staff.view_festival"]
FESTIVALS = ["staff.add_festival", "staff.change_festival"]
GRANTS = {
    "sales": READ + CARE,
    "aftersales_engineer": READ,
    "aftersales_manager": READ + RATE + REWARD + TRAIN + CARE + FESTIVALS + ["staff.change_staffprofile"],
    "quality_engineer": READ,
    "quality_leader": READ,
    "quality_clerk": READ,
    "quality_deputy": READ,
    "general_manager": READ + RATE + REWARD + FESTIVALS + ["staff.view_all_staff", "staff.view_festival"],
    "warehouse_keeper": READ,
    "purchasing": READ,
    "management": READ + ["staff.view_all_staff", "staff.export_rewardpenalty", "staff.view_festival"],
}


def seed(apps, schema_editor):
    grant(apps, GRANTS)


def unseed(apps, schema_editor):
    revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("staff", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
