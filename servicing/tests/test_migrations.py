"""Service work moved out of complaints: a database of the old layout migrates with every row kept.

The database is built at complaints' last migration before the move, filled through the
historical models (as a production database would be), then migrated to the new layout.
Runs on SQLite and on PostgreSQL (``DATABASE_URL``): the table renames differ between them.
"""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

BEFORE = ("complaints", "0011_alert_log_permissions")
AFTER = ("servicing", "0002_tables_named_after_servicing")
MOVED = ("servicevisit", "returnrecord", "followup", "casesummary")


def _fill(apps) -> dict:
    """Write a complaint with a visit, a return, a follow-up call and a case summary, the old way."""
    User = apps.get_model("aftersales", "User")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Customer = apps.get_model("customers", "Customer")
    ProductModel = apps.get_model("customers", "ProductModel")
    Complaint = apps.get_model("complaints", "Complaint")
    now = timezone.now()
    engineer = User.objects.create(username="engineer_before", password="!")
    engineer.groups.add(Group.objects.get(name="aftersales_engineer"))
    auditor = User.objects.create(username="auditor_before", password="!")
    auditor.user_permissions.add(Permission.objects.get(content_type__app_label="complaints", codename="view_followup"))
    customer = Customer.objects.create(code="MIG001", name="迁移前的客户")
    model = ProductModel.objects.create(code="MIG-1", name="迁移型号")
    complaint = Complaint.objects.create(
        number="TS-202611-0001", customer=customer, title="柜门变形", description="前柜门变形", received_by=engineer
    )
    visit = apps.get_model("complaints", "ServiceVisit").objects.create(
        complaint=complaint,
        customer=customer,
        engineer=engineer,
        dispatched_by=engineer,
        planned_start=now,
        actual_start=now,
        actual_end=now + datetime.timedelta(hours=2),
        work_done="更换柜门",
    )
    returned = apps.get_model("complaints", "ReturnRecord").objects.create(
        complaint=complaint,
        customer=customer,
        product_model=model,
        serial_number="SN-MIG-1",
        quantity=2,
        reason="运输损坏",
        requested_on=now.date(),
        recorded_by=engineer,
    )
    follow_up = apps.get_model("complaints", "FollowUp").objects.create(
        complaint=complaint, called_at=now, satisfaction=4, called_by=engineer
    )
    summary = apps.get_model("complaints", "CaseSummary").objects.create(
        complaint=complaint,
        product_model=model,
        category="quality",
        problem="柜门变形",
        cause="折弯超差",
        solution="更换柜门",
        written_by=engineer,
    )
    # The timeline recorded a change of the visit, naming its model by the old label.
    event = apps.get_model("complaints", "ComplaintEvent").objects.create(
        complaint=complaint,
        actor=engineer,
        action="visit",
        changes=[{"model": "complaints.servicevisit", "field": "work_done", "old": "", "new": "更换柜门"}],
    )
    return {
        "event": event.pk,
        "complaint": complaint.pk,
        "customer": customer.pk,
        "model": model.pk,
        "engineer": engineer.pk,
        "visit": visit.pk,
        "return": returned.pk,
        "follow_up": follow_up.pk,
        "summary": summary.pk,
    }


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
def test_the_old_layout_migrates_with_every_row_link_and_permission_kept(migrator_factory):
    migrator = migrator_factory()
    old = migrator.apply_initial_migration([BEFORE])
    assert {f"complaints_{name}" for name in MOVED} <= _tables()
    ids = _fill(old.apps)

    new = migrator.apply_tested_migration([AFTER])
    apps = new.apps

    tables = _tables()
    assert {f"servicing_{name}" for name in MOVED} <= tables
    assert not {f"complaints_{name}" for name in MOVED} & tables
    visit = apps.get_model("servicing", "ServiceVisit").objects.get(pk=ids["visit"])
    assert (visit.complaint_id, visit.customer_id, visit.engineer_id) == (
        ids["complaint"],
        ids["customer"],
        ids["engineer"],
    )
    assert visit.work_done == "更换柜门"
    returned = apps.get_model("servicing", "ReturnRecord").objects.get(pk=ids["return"])
    assert (returned.complaint_id, returned.product_model_id, returned.quantity) == (ids["complaint"], ids["model"], 2)
    assert returned.serial_number == "SN-MIG-1"
    follow_up = apps.get_model("servicing", "FollowUp").objects.get(pk=ids["follow_up"])
    assert (follow_up.complaint_id, follow_up.satisfaction) == (ids["complaint"], 4)
    summary = apps.get_model("servicing", "CaseSummary").objects.get(pk=ids["summary"])
    assert (summary.complaint_id, summary.cause) == (ids["complaint"], "折弯超差")
    # The reverse links from the complaint still lead to its records.
    complaint = apps.get_model("complaints", "Complaint").objects.get(pk=ids["complaint"])
    assert [v.pk for v in complaint.visits.all()] == [ids["visit"]]
    assert [r.pk for r in complaint.returns.all()] == [ids["return"]]
    assert complaint.case_summary.pk == ids["summary"]

    # The timeline still shows the visit's change: its stored label follows the model.
    event = apps.get_model("complaints", "ComplaintEvent").objects.get(pk=ids["event"])
    assert event.changes == [{"model": "servicing.servicevisit", "field": "work_done", "old": "", "new": "更换柜门"}]

    # Roles and users keep what they were granted, now under servicing's label.
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("aftersales", "User")
    engineer = User.objects.get(pk=ids["engineer"])
    granted = set(Permission.objects.filter(group__user=engineer).values_list("content_type__app_label", "codename"))
    assert {("servicing", "add_servicevisit"), ("servicing", "add_returnrecord")} <= granted
    assert not any(label == "complaints" and codename.endswith(MOVED) for label, codename in granted)
    auditor = User.objects.get(username="auditor_before")
    assert list(auditor.user_permissions.values_list("content_type__app_label", "codename")) == [
        ("servicing", "view_followup")
    ]

    # New rows continue the numbering of the renamed tables.
    later = apps.get_model("servicing", "ServiceVisit").objects.create(
        customer_id=ids["customer"],
        engineer_id=ids["engineer"],
        dispatched_by_id=ids["engineer"],
        planned_start=timezone.now(),
    )
    assert later.pk > ids["visit"]
