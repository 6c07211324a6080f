"""People and scorecard pages for the scope test: each side's salesperson is on the service staff.

A salesperson sees only their own card; the other side's person page and scorecard are 404
and the lists and team pages never name them (their employee number is the marker).
"""

from aftersales.tests.scope_registry import Fill, register


def staff_member(records):
    """Return (making once per side) the side's salesperson as rated service staff with a marked employee number."""
    from staff.models import StaffProfile

    person = getattr(records, "salesperson", None)
    if person is None or not hasattr(records, "mark"):  # the shared sheet's records belong to no salesperson
        return None
    if not getattr(records, "scorecard_profile", None):
        number = f"EMP-{person.username.upper()}-SECRET"
        StaffProfile.objects.update_or_create(user=person, defaults={"employee_number": number, "is_rated": True})
        records.mark(number)
        records.scorecard_profile = True
    return person


def _person(records):
    person = staff_member(records)
    return {"person_pk": person.pk if person else 0}


def _period(records):
    staff_member(records)
    return {"period": "2026-11"}


for name in ("person", "scorecard", "scorecard_print"):
    register(f"staff:{name}", Fill(_person, query=lambda r: {"period": "2026-11"}))
for name in ("people", "me", "team_scorecard", "team_scorecard_print", "team_scorecard_xlsx"):
    register(f"staff:{name}", Fill(query=_period))
