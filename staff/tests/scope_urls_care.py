"""Care pages for the scope test: each side's contact has a greeting due to its salesperson, with a note."""

from aftersales.tests.scope_registry import PAGE, Fill, register


def greeting_records(records):
    """Return (building once per side) a birthday greeting of the side's contact, due to its salesperson."""
    found = getattr(records, "greeting", None)
    if found is not None:
        return found
    from django.utils import timezone

    from staff.models import Greeting

    note = f"{records.customer.name}-GREETING-NOTE"
    records.greeting, _created = Greeting.objects.get_or_create(
        contact=records.contact,
        occasion=Greeting.Occasion.BIRTHDAY,
        occasion_date=timezone.localdate(),
        defaults={"salesperson": records.salesperson, "note": note},
    )
    if records.customer.name.startswith("SECRET"):
        records.markers.append(note)
    return records.greeting


def _festival(records):
    from django.utils import timezone

    from staff.models import Festival

    festival, _created = Festival.objects.get_or_create(name="范围节日", date=timezone.localdate())
    greeting_records(records)
    return {"pk": festival.pk}


register("staff:greeting_list", Fill(query=lambda r: {"person": greeting_records(r).salesperson_id}))
register("staff:greeting_done", Fill(lambda r: {"pk": greeting_records(r).pk}, notes="POST only: a GET is refused"))
register("staff:festival_list", PAGE)
register("staff:festival_create", PAGE)
register("staff:festival_edit", Fill(_festival))
