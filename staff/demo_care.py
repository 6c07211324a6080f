"""Demo customer care: this year's and next year's festivals, birthdays in the coming days, one listing run."""

from datetime import date, timedelta

from django.utils import timezone

from customers.models import Contact

from .models import Festival, Greeting
from .services.care import festival_seed_year, greetings_list_due

BIRTHDAYS_PER_SALESPERSON = 3


def _birthday(day: date, born: int) -> date:
    try:
        return day.replace(year=born)
    except ValueError:
        return date(born, 2, 28)


def seed(*, stdout, style) -> None:
    today = timezone.localdate()
    added = sum(festival_seed_year(year) for year in (today.year, today.year + 1))
    stdout.write(f"  {added} festivals added ({Festival.objects.count()} in all)")
    if Greeting.objects.exists():
        stdout.write("  greetings already listed")
        return
    for username in ("sales", "sales2"):
        contacts = Contact.objects.filter(customer__salesperson__username=username, customer__is_active=True)
        for offset, contact in enumerate(contacts.order_by("pk")[:BIRTHDAYS_PER_SALESPERSON]):
            born = 1975 + contact.pk % 20
            # a plain update: the demo sets birthdays on contacts that exist, it records no work
            Contact.objects.filter(pk=contact.pk).update(birthday=_birthday(today + timedelta(days=offset), born))
    listed = greetings_list_due(today=today)
    stdout.write(f"  {listed} greetings listed")
