"""Service work (visits, returns, follow-up calls, the knowledge base) moves to the servicing app.

Only Django's picture of the models changes here: the tables and every row stay, and
servicing's first migration takes the models over (then renames their tables).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("complaints", "0011_alert_log_permissions")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='followup',
                name='called_by',
            ),
            migrations.RemoveField(
                model_name='followup',
                name='complaint',
            ),
            migrations.RemoveField(
                model_name='returnrecord',
                name='complaint',
            ),
            migrations.RemoveField(
                model_name='returnrecord',
                name='customer',
            ),
            migrations.RemoveField(
                model_name='returnrecord',
                name='product_model',
            ),
            migrations.RemoveField(
                model_name='returnrecord',
                name='recorded_by',
            ),
            migrations.RemoveField(
                model_name='servicevisit',
                name='complaint',
            ),
            migrations.RemoveField(
                model_name='servicevisit',
                name='customer',
            ),
            migrations.RemoveField(
                model_name='servicevisit',
                name='dispatched_by',
            ),
            migrations.RemoveField(
                model_name='servicevisit',
                name='engineer',
            ),
            migrations.RemoveField(
                model_name='servicevisit',
                name='internal_accepted_by',
            ),
            migrations.DeleteModel(
                name='CaseSummary',
            ),
            migrations.DeleteModel(
                name='FollowUp',
            ),
            migrations.DeleteModel(
                name='ReturnRecord',
            ),
            migrations.DeleteModel(
                name='ServiceVisit',
            ),
            ],
            database_operations=[],
        )
    ]
