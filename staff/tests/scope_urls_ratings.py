"""Six-hearts rating pages for the project-wide scope test: each side's salesperson has a rating, corrected once.

Each salesperson gets a supervisor (one manager for both) and a signed, corrected rating for the
last completed month, built once per salesperson; the remarks and the correction's reason are
the markers sales must never read of sales2.
"""

from aftersales.tests.scope_registry import Fill, register


def rating_of(records):
    """Return (building once per salesperson) the salesperson's rating for the last completed month."""
    from django.contrib.auth.models import Group

    from aftersales.tests.factories import UserFactory
    from staff.models import SixHeartsRating, StaffProfile
    from staff.periods import MONTH, Period
    from staff.services.ratings import rating_correct, rating_sign

    person = records.salesperson
    period = Period.last_completed(MONTH)
    prefix = records.customer.name.removesuffix("-CUSTOMER")
    found = SixHeartsRating.objects.filter(person=person, period_kind=period.kind, period_start=period.start).first()
    if found is None:
        manager = UserFactory._meta.model.objects.filter(username="scope_ratings_manager").first()
        if manager is None:
            manager = UserFactory(username="scope_ratings_manager")
            manager.groups.add(Group.objects.get(name="aftersales_manager"))
        StaffProfile.objects.update_or_create(user=person, defaults={"supervisor": manager, "is_rated": True})
        scores = dict.fromkeys(("confidence", "warmth", "dedication", "patience", "sincerity", "carefulness"), 4)
        found = rating_sign(actor=manager, person=person, period=period, scores=scores, remarks=f"{prefix}-RATING")
        found = rating_correct(
            actor=manager, rating=found, scores=scores, remarks=f"{prefix}-RATING-2", reason=f"{prefix}-REASON"
        )
        records.mark(f"{prefix}-RATING", f"{prefix}-REASON")
    return found


def _rating(records):
    return {"pk": rating_of(records).pk}


def _period(records):
    rating = rating_of(records)
    return {"period": rating.period_start.strftime("%Y-%m")}


register("staff:rating_list", Fill(query=_period))
register("staff:rating_create", Fill(query=lambda r: {"person": rating_of(r).person_id, **_period(r)}))
register("staff:rating_detail", Fill(_rating))
register("staff:rating_correct", Fill(_rating))
register("staff:rating_acknowledge", Fill(_rating, notes="POST only: a GET is refused"))
register("staff:rating_history", Fill(lambda r: {"person_pk": rating_of(r).person_id}))
