"""Each page pays a small fixed cost: the session and the user's permissions and roles come
from the cache, so the list and the complaint page run the same few queries at any size;
a role changed or a session revoked still counts from the next request on."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from aftersales import roles as r
from aftersales.tests.factories import UserFactory
from customers.tests.factories import CustomerFactory

from ..models import Attachment, ComplaintEvent
from .factories import ComplaintFactory

LIST_MAX = 6
DETAIL_MAX = 14  # service work's quotes panel (quotes, claim cost); the parts panel (parts issued, requisitions)
# The other lists read more of their own (counts, tabs), but no more with more rows.
OTHER_MAX = 10
# Each app's section of "my work" reads its own queue: spare parts (requisitions, counts,
# plans), supervision checks (drafts; after the 20th also the units not yet checked this
# month), the corrective actions one owns, training sessions, ratings to acknowledge and team
# members to rate.
MY_WORK_MAX = 18


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _complaints(people, n):
    """Add n complaints of both salespeople's customers with varied handlers, files and history.

    Return the busiest one of the sales user's customers.
    """
    handlers = [people.engineer, people.other_engineer, people.manager, None]
    busiest = None
    for i in range(n):
        customer = CustomerFactory(salesperson=people.sales if i % 2 == 0 else people.other_sales)
        complaint = ComplaintFactory(customer=customer, received_by=people.sales, assignee=handlers[i % 4])
        for j in range(i % 3 + 1):
            ComplaintEvent.objects.create(complaint=complaint, actor=people.manager, action="updated", note=f"第{j}次")
            Attachment.objects.create(
                complaint=complaint,
                file=f"x/{i}-{j}.pdf",
                original_name=f"{j}.pdf",
                content_type="application/pdf",
                size=10,
                uploaded_by=UserFactory(),
            )
        if customer.salesperson == people.sales:
            busiest = complaint
    return busiest


@pytest.mark.parametrize("role", [r.AFTERSALES_MANAGER, r.SALES])
def test_pages_run_the_same_few_queries_for_3_complaints_as_for_30(people, client_for, role):
    client = client_for(getattr(people, "manager" if role == r.AFTERSALES_MANAGER else "sales"))
    lists = [reverse("complaints:list"), reverse("complaints:my_work"), reverse("customers:list")]

    def counts(complaint):
        urls = [*lists, complaint.get_absolute_url()]
        client.get(urls[0])  # the first request of a session fills the cache
        return [_count(client, url) for url in urls]

    few = counts(_complaints(people, 3))
    many = counts(_complaints(people, 30))

    assert few == many
    list_page, my_work, customers, detail = many
    assert list_page <= LIST_MAX
    assert detail <= DETAIL_MAX
    assert my_work <= MY_WORK_MAX
    assert customers <= OTHER_MAX


def test_the_session_and_permissions_are_not_read_from_the_database_again(people, client_for):
    client = client_for(people.manager)
    url = reverse("complaints:list")
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        client.get(url)

    tables = " ".join(q["sql"] for q in queries)
    assert "django_session" not in tables
    assert "auth_permission" not in tables
    assert "auth_group" not in tables


# --- a role change counts from the next request ----------------------------------------


def _label(role) -> str:
    with translation.override("zh-hans"):
        return str(r.LABELS[role])


@pytest.fixture
def clerk(make_user):
    """A user with no role at all, signed in, who has just been refused the complaint list."""
    user = make_user(username="newcomer")
    client = Client()
    client.force_login(user)
    assert client.get(reverse("complaints:list")).status_code == 403
    return user, client


def test_joining_and_leaving_a_role_counts_from_the_next_request(clerk):
    user, client = clerk
    url = reverse("complaints:list")
    sales = Group.objects.get(name=r.SALES)

    user.groups.add(sales)
    page = client.get(url)
    assert page.status_code == 200
    assert _label(r.SALES) in page.content.decode()

    sales.user_set.remove(user)
    assert client.get(url).status_code == 403

    user.groups.add(sales)
    assert client.get(url).status_code == 200
    user.groups.clear()
    assert client.get(url).status_code == 403

    user.groups.add(sales)
    assert client.get(url).status_code == 200
    sales.user_set.clear()
    assert client.get(url).status_code == 403


def test_a_group_given_or_denied_a_permission_counts_from_the_next_request(clerk):
    user, client = clerk
    url = reverse("complaints:list")
    visitors = Group.objects.create(name="visitors")
    user.groups.add(visitors)
    assert client.get(url).status_code == 403
    view = Permission.objects.get(content_type__app_label="complaints", codename="view_complaint")

    visitors.permissions.add(view)
    assert client.get(url).status_code == 200

    visitors.permissions.remove(view)
    assert client.get(url).status_code == 403

    visitors.permissions.add(view)
    assert client.get(url).status_code == 200
    visitors.delete()
    assert client.get(url).status_code == 403


def test_a_permission_of_the_user_and_the_superuser_flag_count_from_the_next_request(clerk):
    user, client = clerk
    url = reverse("complaints:list")
    view = Permission.objects.get(content_type__app_label="complaints", codename="view_complaint")

    user.user_permissions.add(view)
    assert client.get(url).status_code == 200
    user.user_permissions.remove(view)
    assert client.get(url).status_code == 403

    user.is_superuser = True
    user.save()
    assert client.get(url).status_code == 200
    user.is_superuser = False
    user.save()
    assert client.get(url).status_code == 403


def test_a_renamed_role_leaves_the_menu_on_the_next_request(people, client_for):
    client = client_for(people.gm)
    assert _label(r.GENERAL_MANAGER) in client.get(reverse("complaints:list")).content.decode()
    group = Group.objects.get(name=r.GENERAL_MANAGER)

    group.name = "gm-retired"
    group.save()

    assert _label(r.GENERAL_MANAGER) not in client.get(reverse("complaints:list")).content.decode()


# --- a revoked session ends ------------------------------------------------------------


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(reverse("complaints:list")).status_code == 200  # now in the cache
    return client


def test_a_deleted_session_signs_the_user_out_on_the_next_request(people):
    client = _signed_in(people.manager)

    Session.objects.all().delete()

    response = client.get(reverse("complaints:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_session_signed_out_elsewhere_cannot_be_used_again(people):
    client = _signed_in(people.manager)
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post(reverse("logout"))

    response = stolen.get(reverse("complaints:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- the signed-in user's own row ----------------------------------------------------------


def _reads_the_user_row(queries) -> bool:
    return any('FROM "aftersales_user" WHERE "aftersales_user"."id" =' in q["sql"] for q in queries)


def test_the_users_own_row_is_not_read_from_the_database_again(people):
    client = _signed_in(people.manager)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("complaints:list")).status_code == 200

    assert not _reads_the_user_row(queries)


def test_a_user_deactivated_is_signed_out_on_the_next_request(people):
    client = _signed_in(people.manager)

    people.manager.is_active = False
    people.manager.save()

    response = client.get(reverse("complaints:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_password_changed_elsewhere_signs_the_other_sessions_out(people):
    client = _signed_in(people.manager)

    people.manager.set_password("An-entirely-new-one-42")
    people.manager.save()

    response = client.get(reverse("complaints:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_renamed_user_is_named_anew_on_the_next_request(people):
    client = _signed_in(people.manager)

    people.manager.first_name, people.manager.last_name = "新", "名字"
    people.manager.save()

    assert 'data-testid="user-menu">名字新<' in client.get(reverse("complaints:list")).content.decode()


def test_what_a_request_kept_on_the_user_is_not_cached_with_their_row(people):
    """Roles read on the instance before signing in are not carried into later requests."""
    user = people.sales
    assert user.role_codes() == {r.SALES}
    client = Client()
    client.force_login(user)  # caches the row of this very instance
    user.groups.add(Group.objects.get(name=r.QUALITY_LEADER))

    assert _label(r.QUALITY_LEADER) in client.get(reverse("complaints:list")).content.decode()
