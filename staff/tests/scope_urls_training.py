"""URL patterns of the training pages for the project-wide scope test.

Each side gets a session held a week ago that only its salesperson attended, with an exam
score, remarks and a material marked: the session's title and time are the calendar (not
secret), the remarks, the material and the person's history are.
"""

from aftersales.tests.scope_registry import Fill, register


def training_records(records):
    found = getattr(records, "training_session", None)
    if found is not None:
        return found
    from django.contrib.auth.models import Group

    from aftersales import roles
    from aftersales.tests.factories import UserFactory

    from . import factories_training as f

    prefix = records.customer.name.split("-CUSTOMER")[0]
    organiser = UserFactory(username=f"train-{prefix.lower()}")
    organiser.groups.add(Group.objects.get(name=roles.AFTERSALES_MANAGER))
    session = f.held(organiser, {records.salesperson: (True, 73.5, f"{prefix}-EXAM-NOTE")})
    material = f.material(organiser, session, name=f"{prefix}-MATERIAL.pdf", content=f.PDF + f"{prefix}-BYTES".encode())
    if hasattr(records, "mark"):  # the shared side is sales2's records again, already marked
        records.mark(f"{prefix}-EXAM-NOTE", f"{prefix}-MATERIAL", f"{prefix}-BYTES")
    records.training_session, records.training_material = session, material
    return session


def _session(records):
    return {"number": training_records(records).number}


def _material(records):
    training_records(records)
    return {"number": records.training_session.number, "pk": records.training_material.pk}


def _plan(records):
    from ..models import TrainingPlan

    session = training_records(records)
    plan, _created = TrainingPlan.objects.get_or_create(
        year=session.starts_at.year, defaults={"title": "培训计划", "created_by": session.created_by}
    )
    return {"pk": plan.pk}


def _item(records):
    from ..models import TrainingPlanItem

    plan = _plan(records)["pk"]
    item, _created = TrainingPlanItem.objects.get_or_create(
        plan_id=plan, title="客户沟通", defaults={"topic": "communication", "month": 6, "planned_hours": 2}
    )
    return {"pk": plan, "item_pk": item.pk}


register("staff:training_sessions", Fill(query=lambda r: {"tab": "all"}))
register("staff:training_session_create")
for name in ("training_session", "training_session_edit", "training_session_hold"):
    register(f"staff:{name}", Fill(_session))
for name in ("training_session_invite", "training_material_upload", "training_session_cancel"):
    register(f"staff:{name}", Fill(_session, notes="POST only: a GET is refused"))
register(
    "staff:training_session_uninvite",
    Fill(lambda r: {**_session(r), "person_pk": r.salesperson.pk}, notes="POST only: a GET is refused"),
)
register("staff:training_material", Fill(_material))
register("staff:training_plans")
register("staff:training_plan_create")
register("staff:training_plan", Fill(_plan))
register("staff:training_plan_item_add", Fill(_plan))
register("staff:training_plan_item_edit", Fill(_item))
register("staff:training_plan_item_remove", Fill(_item, notes="POST only: a GET is refused"))
register("staff:training_plan_approve", Fill(_plan, notes="POST only: a GET is refused"))
register("staff:training_history", Fill(lambda r: {"person_pk": r.salesperson.pk}))
