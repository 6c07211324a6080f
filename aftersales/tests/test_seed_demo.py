from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from aftersales import roles
from aftersales.demo import ADMIN_USERNAME, DEMO_PASSWORD, DEMO_USERS
from customers.models import Contact, Customer, Delivery, Interaction, ProductModel

pytestmark = pytest.mark.django_db

MODELS = [get_user_model(), Customer, Contact, ProductModel, Delivery, Interaction]


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def output(django_db_setup, django_db_blocker):
    """Seed twice, once for the module (it takes a second or two), and roll back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        first = _seed()
        counts = _counts()
        second = _seed()
        yield {"first": first, "second": second, "counts": counts, "counts_after": _counts()}
        transaction.set_rollback(True)


def test_each_role_has_a_demo_user_in_its_group(output):
    users = get_user_model().objects.prefetch_related("groups")
    for role in roles.ALL:
        holders = [u for u in users if role in {g.name for g in u.groups.all()}]
        assert holders, role
        assert users.get(username=role).role_codes() == {role}
    assert users.filter(groups__name=roles.SALES).count() == 2


def test_quality_managers_and_admin_may_use_the_admin_site(output):
    staff = set(get_user_model().objects.filter(is_staff=True).values_list("username", flat=True))
    assert staff == {
        "quality_leader",
        "quality_clerk",
        "quality_deputy",
        "aftersales_manager",
        "purchasing",
        ADMIN_USERNAME,
    }
    assert get_user_model().objects.get(username=ADMIN_USERNAME).is_superuser


def test_ledger_has_sixty_customers_with_exactly_one_primary_contact(output):
    assert Customer.objects.count() == 100
    primaries = Customer.objects.annotate(n=Count("contacts", filter=Q(contacts__is_primary=True)))
    assert set(primaries.values_list("n", flat=True)) == {1}
    assert Customer.objects.filter(salesperson=None).exists()
    assert set(Customer.objects.exclude(salesperson=None).values_list("salesperson__username", flat=True)) == {
        "sales",
        "sales2",
    }


def test_some_deliveries_are_in_warranty_and_some_out(output):
    today = timezone.localdate()
    assert Delivery.objects.in_warranty(today).count() >= 10
    assert Delivery.objects.out_of_warranty(today).count() >= 10
    assert ProductModel.objects.filter(warranty_months=None, delivery__isnull=False).exists()


def test_batches_are_shared_across_customers(output):
    shared = (
        Delivery.objects.values("batch_number")
        .annotate(customers=Count("customer", distinct=True))
        .filter(customers__gt=1)
    )
    assert shared.count() >= 10


def test_every_customer_has_register_entries(output):
    assert not Customer.objects.filter(interactions=None).exists()
    assert Interaction.objects.exclude(follow_up_on=None).exists()


def test_second_run_creates_nothing(output):
    assert output["counts_after"] == output["counts"]
    assert output["counts"]["Customer"] == 100


def test_output_lists_every_account_with_the_password(output):
    for text in (output["first"], output["second"]):
        assert DEMO_PASSWORD in text
        for username, *_rest in DEMO_USERS:
            assert username in text
        assert ADMIN_USERNAME in text


def test_each_demo_user_can_log_in_with_the_printed_password(output, client):
    for username in [row[0] for row in DEMO_USERS] + [ADMIN_USERNAME]:
        # django-axes needs the request to authenticate.
        assert client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD), username
        client.logout()
