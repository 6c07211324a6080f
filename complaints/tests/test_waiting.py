"""Who a complaint waits on: said at the top of its page, in the rows of "my work", and never disagreeing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.tests.pages import english, source_language, waiting_line  # noqa: F401
from aftersales.waiting import Directory

from .. import selectors, services, waiting
from ..models import Complaint, Severity
from .factories import ComplaintFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("source_language")]
S = Complaint.State


COMPLAINTS = {
    "unassigned": lambda p, c: ComplaintFactory(customer=c),
    "received": lambda p, c: ComplaintFactory(customer=c, assignee=p.engineer),
    "analysing": lambda p, c: ComplaintFactory(customer=c, assignee=p.engineer, state=S.ANALYSING),
    "to_sign": lambda p, c: ComplaintFactory(
        customer=c, assignee=p.engineer, state=S.AWAITING_APPROVAL, analysed=True, severity=Severity.MAJOR
    ),
    "rectifying": lambda p, c: ComplaintFactory(customer=c, assignee=p.engineer, state=S.RECTIFYING, analysed=True),
    "rectifying_unassigned": lambda p, c: ComplaintFactory(customer=c, state=S.RECTIFYING, analysed=True),
}


@pytest.mark.parametrize("stage", list(COMPLAINTS))
def test_whoever_a_complaint_waits_on_finds_it_in_my_work(stage, people, customer):
    complaint = COMPLAINTS[stage](people, customer)
    directory = Directory()

    owed = waiting.waiting_on([complaint])[complaint.pk]

    assert owed
    waiting_on = {person for item in owed for person in directory.people_of(item)}
    assert waiting_on, [directory.describe(item) for item in owed]
    for person in waiting_on:
        assert complaint in selectors.my_work(user=person), (person, [directory.describe(item) for item in owed])


@pytest.mark.parametrize("state", [S.CLOSED, S.CANCELLED])
def test_a_finished_complaint_waits_for_nobody(state, people, customer):
    assert ComplaintFactory(customer=customer, state=state, analysed=True).waiting_on() == []


def test_the_page_names_both_signers_a_major_disposal_still_needs(people, customer, client_for):
    complaint = COMPLAINTS["to_sign"](people, customer)

    page = english(client_for(people.engineer)).get(complaint.get_absolute_url()).content.decode()

    line = waiting_line(page)
    managers = line.split("After-sales manager (")[1].split(") to sign the approval of the disposal")[0]
    assert sorted(managers.split(", ")) == sorted([str(people.manager), str(people.second_manager)])
    assert f"General manager ({people.gm}) to sign the approval of the disposal" in line


def test_after_the_manager_signs_only_the_general_manager_is_waited_for(people, customer, client_for):
    complaint = COMPLAINTS["to_sign"](people, customer)
    services.complaint_sign_approval(actor=people.manager, complaint=complaint, note="同意")

    page = english(client_for(people.engineer)).get(complaint.get_absolute_url()).content.decode()

    assert "After-sales manager" not in waiting_line(page)
    assert f"General manager ({people.gm}) to sign the approval of the disposal" in waiting_line(page)
    assert complaint not in selectors.my_work(user=people.manager)
    assert complaint in selectors.my_work(user=people.gm)


def test_a_new_complaint_waits_for_the_first_response_and_an_engineer(people, customer, client_for):
    complaint = services.complaint_create(
        actor=people.sales, customer=customer, title="断路器拒合", description="合闸时拒合。"
    )

    line = waiting_line(english(client_for(people.sales)).get(complaint.get_absolute_url()).content.decode())

    assert f"Sales / customer service ({people.sales}) to give the customer the first response" in line
    assert "After-sales manager (" in line and "to assign an after-sales engineer" in line


def test_my_work_says_who_each_row_waits_for(people, customer, client_for):
    to_sign = COMPLAINTS["to_sign"](people, customer)
    mine = COMPLAINTS["analysing"](people, customer)

    page = english(client_for(people.engineer)).get(reverse("complaints:my_work")).content.decode()

    signing = page.split(f'data-testid="waiting-{to_sign.number}"')[1].split("</td>")[0]
    assert "to sign the approval of the disposal" in signing and str(people.gm) in signing
    own = page.split(f'data-testid="waiting-{mine.number}"')[1].split("</td>")[0]
    assert f"({people.engineer}) to record the analysis and submit it for approval" in own


def _my_work_queries(client) -> int:
    client.get(reverse("complaints:my_work"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("complaints:my_work")).status_code == 200
    return len(queries)


def test_my_work_with_the_waiting_column_takes_the_same_queries_for_more_rows(people, customer, client_for):
    client = client_for(people.manager)
    for factory in ("unassigned", "to_sign"):
        COMPLAINTS[factory](people, customer)
    ComplaintFactory(customer=customer, assignee=people.engineer, state=S.AWAITING_APPROVAL, company_caused=True)
    few = _my_work_queries(client)

    for _ in range(5):
        for factory in ("unassigned", "to_sign"):
            COMPLAINTS[factory](people, customer)
        ComplaintFactory(customer=customer, assignee=people.engineer, state=S.AWAITING_APPROVAL, company_caused=True)

    assert _my_work_queries(client) == few


def test_a_salesperson_who_left_is_not_replaced_by_every_salesperson(people, customer):
    complaint = ComplaintFactory(customer=customer, assignee=people.engineer)
    people.sales.is_active = False
    people.sales.save()
    directory = Directory()

    first_response = complaint.waiting_on()[0]
    text = directory.describe(first_response)

    assert directory.people_of(first_response) == []
    assert str(people.other_sales) not in text and "no active person" in text
