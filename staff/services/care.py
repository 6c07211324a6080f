"""Customer care (客户关怀): the festival list, the daily listing of greetings due, and marking them done.

The listing is idempotent: a greeting is unique per contact, occasion and date, rows are
inserted with ON CONFLICT DO NOTHING, and each salesperson's digest of a day has one outbox
key, so a rerun (or a second beat) creates nothing and sends nothing; a greeting is listed
once, so the next day's digest never repeats it.
"""

from datetime import date, datetime, time, timedelta

import holidays
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales import outbox
from customers.models import Contact

from ..access import can_see_person
from ..models import Festival, Greeting

BIRTHDAY_DAYS_AHEAD = 3
BATCH = 2000
# The traditional festivals greeted, by their name in holidays.China(language="zh_CN"); days before.
TRADITIONAL = {"元旦": 3, "春节": 7, "清明节": 0, "劳动节": 3, "端午节": 3, "中秋节": 5, "国庆节": 5}
TRADITIONAL_SKIP = {"清明节"}  # a day of remembrance: listed, but not greeted unless switched on


def festival_seed_year(year: int) -> int:
    """Load the traditional festivals of ``year`` (first day of each), keeping those there; return the count added."""
    firsts: dict[str, date] = {}
    for day, name in sorted(holidays.China(years=year, language="zh_CN").items()):
        if name in TRADITIONAL and name not in firsts:
            firsts[name] = day
    existing = set(Festival.objects.filter(date__year=year, name__in=firsts).values_list("name", flat=True))
    added = [
        Festival(name=name, date=day, greet_days_before=TRADITIONAL[name], is_active=name not in TRADITIONAL_SKIP)
        for name, day in firsts.items()
        if name not in existing
    ]
    Festival.objects.bulk_create(added, ignore_conflicts=True)
    return len(added)


def _birthday_days(today: date) -> Q:
    """Match birthdays falling today … today + 3; 29 February is greeted on 28 February in common years."""
    match = Q(pk__in=[])
    for offset in range(BIRTHDAY_DAYS_AHEAD + 1):
        day = today + timedelta(days=offset)
        match |= Q(birthday__month=day.month, birthday__day=day.day)
        if day.month == 2 and day.day == 28 and not _leap(day.year):
            match |= Q(birthday__month=2, birthday__day=29)
    return match


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _occurrence(birthday: date, today: date) -> date:
    """Return the date within today … today + 3 on which ``birthday`` falls."""
    for offset in range(BIRTHDAY_DAYS_AHEAD + 1):
        day = today + timedelta(days=offset)
        if (birthday.month, birthday.day) == (day.month, day.day):
            return day
        if (birthday.month, birthday.day) == (2, 29) and (day.month, day.day) == (2, 28) and not _leap(day.year):
            return day
    raise ValueError(birthday)


def _cared_contacts():
    """Contacts of active customers whose salesperson is active; a customer with no salesperson is skipped."""
    return Contact.objects.filter(customer__is_active=True, customer__salesperson__is_active=True)


def _new_greetings(today: date):
    for contact_id, birthday, salesperson_id in (
        _cared_contacts().filter(_birthday_days(today)).values_list("pk", "birthday", "customer__salesperson_id")
    ).iterator(chunk_size=BATCH):
        yield Greeting(
            contact_id=contact_id,
            occasion=Greeting.Occasion.BIRTHDAY,
            occasion_date=_occurrence(birthday, today),
            salesperson_id=salesperson_id,
        )
    for festival in Festival.objects.filter(is_active=True, date__gte=today, date__lte=today + timedelta(days=400)):
        if festival.date - timedelta(days=festival.greet_days_before) > today:
            continue
        contacts = _cared_contacts().values_list("pk", "customer__salesperson_id")
        for contact_id, salesperson_id in contacts.iterator(chunk_size=BATCH):
            yield Greeting(
                contact_id=contact_id,
                occasion=Greeting.Occasion.FESTIVAL,
                festival=festival,
                occasion_date=festival.date,
                salesperson_id=salesperson_id,
            )


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())
    return start, start + timedelta(days=1)


@transaction.atomic
def greetings_list_due(*, today: date | None = None) -> int:
    """List the greetings due today and queue one digest per salesperson who has new ones; return the count listed."""
    today = today or timezone.localdate()
    for year in (today.year, today.year + 1):
        if not Festival.objects.filter(date__year=year).exists():
            festival_seed_year(year)
    batch = []
    for greeting in _new_greetings(today):
        batch.append(greeting)
        if len(batch) >= BATCH:
            Greeting.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        Greeting.objects.bulk_create(batch, ignore_conflicts=True)
    start, end = day_bounds(timezone.localdate())
    listed_today = Greeting.objects.filter(listed_at__gte=start, listed_at__lt=end)
    salespeople = sorted(set(listed_today.values_list("salesperson_id", flat=True)))
    day = timezone.localdate().isoformat()
    outbox.enqueue_many(
        ("staff.care.digest", user_id, f"staff.care.digest:{user_id}:{day}", {"date": day}) for user_id in salespeople
    )
    return listed_today.count()


def may_mark(user, greeting: Greeting) -> bool:
    return user.has_perm("staff.change_greeting") and can_see_person(user, greeting.salesperson)


@transaction.atomic
def greeting_done(*, actor, greeting: Greeting, outcome: str, channel: str = "", note: str = "") -> Greeting:
    """Mark a due greeting sent (by a channel) or skipped, with a note."""
    greeting = Greeting.objects.select_for_update().select_related("salesperson").get(pk=greeting.pk)
    if not may_mark(actor, greeting):
        raise PermissionDenied(_("Only the salesperson or their manager marks this greeting."))
    errors: dict[str, list] = {}
    if greeting.outcome != Greeting.Outcome.DUE:
        errors.setdefault("outcome", []).append(_("This greeting is already marked."))
    if outcome not in (Greeting.Outcome.SENT, Greeting.Outcome.SKIPPED):
        errors.setdefault("outcome", []).append(_("Choose sent or skipped."))
    if outcome == Greeting.Outcome.SENT and channel not in Greeting.Channel.values:
        errors.setdefault("channel", []).append(_("Say how the greeting was sent."))
    if outcome == Greeting.Outcome.SKIPPED and not (note or "").strip():
        errors.setdefault("note", []).append(_("Say why the greeting was skipped."))
    if errors:
        raise ValidationError(errors)
    greeting.outcome = outcome
    greeting.channel = channel if outcome == Greeting.Outcome.SENT else ""
    greeting.note = (note or "").strip()
    greeting.done_at = timezone.now()
    greeting.done_by = actor
    greeting.save(update_fields=["outcome", "channel", "note", "done_at", "done_by"])
    return greeting


@transaction.atomic
def festival_save(*, actor, festival: Festival | None = None, **fields) -> Festival:
    """Add a festival or change one (name, date, days before, active)."""
    perm = "staff.change_festival" if festival else "staff.add_festival"
    if not actor.has_perm(perm):
        raise PermissionDenied
    festival = Festival.objects.select_for_update().get(pk=festival.pk) if festival else Festival()
    for name, value in fields.items():
        setattr(festival, name, value)
    errors = {}
    if not (festival.name or "").strip():
        errors["name"] = [_("Give the festival's name.")]
    if festival.greet_days_before is not None and festival.greet_days_before > 30:
        errors["greet_days_before"] = [_("Greet at most 30 days before.")]
    duplicate = Festival.objects.filter(name=festival.name, date=festival.date).exclude(pk=festival.pk)
    if festival.date and duplicate.exists():
        errors["date"] = [_("This festival is already on the list for that date.")]
    if errors:
        raise ValidationError(errors)
    festival.save()
    return festival
