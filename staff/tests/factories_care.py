"""Factories of the care tests: a salesperson's customer with contacts, festivals."""

import factory

from customers.tests.factories import ContactFactory, CustomerFactory

from ..models import Festival


class FestivalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Festival

    name = factory.Sequence(lambda n: f"节日{n}")
    greet_days_before = 3


def contact_of(salesperson, name: str, birthday=None, **fields):
    """Return a contact of a new active customer of ``salesperson``."""
    customer = CustomerFactory(salesperson=salesperson, name=f"{name}的公司")
    return ContactFactory(customer=customer, name=name, birthday=birthday, **fields)
