"""Staff keying in answers from paper or phone, and reading one response, scoped to their customers."""

import pytest
import time_machine
from django.urls import reverse

from aftersales import roles
from customers.tests.factories import CustomerFactory

from ..models import Answer, CampaignEvent, Response
from .factories_answers import CampaignFactory, ResponseFactory, full_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _december():
    with time_machine.travel("2026-12-10 10:00 +0800", tick=False):
        yield


@pytest.fixture
def two_sales(make_user):
    questionnaire, asked = full_questionnaire()
    campaign = CampaignFactory(questionnaire=questionnaire)
    mine, theirs = make_user(roles.SALES, username="sales_a"), make_user(roles.SALES, username="sales_b")
    own = ResponseFactory(campaign=campaign, customer=CustomerFactory(salesperson=mine, name="甲方电力公司"))
    other = ResponseFactory(campaign=campaign, customer=CustomerFactory(salesperson=theirs, name="乙方轨道公司"))
    return mine, theirs, own, other, asked


def _complete(asked, action="submit", **extra):
    single = asked["single"].choices.first().pk
    multiple = [c.pk for c in asked["multiple"].choices.all()][:1]
    data = {"action": action, f"q{asked['scale'].pk}": "1", f"q{asked['single'].pk}": single, **extra}
    return {**data, f"q{asked['multiple'].pk}": multiple, f"q{asked['nps'].pk}": "3"}


def test_a_salesperson_keys_in_a_phone_interview_for_their_own_customer(client_for, two_sales):
    mine, _theirs, own, _other, asked = two_sales
    client = client_for(mine)
    page = client.get(reverse("surveys:response_enter", args=[own.pk]))
    assert page.status_code == 200 and "甲方电力公司" in page.content.decode()
    done = client.post(
        reverse("surveys:response_enter", args=[own.pk]), _complete(asked, channel="phone", respondent="李经理")
    )
    assert done.status_code == 302
    own.refresh_from_db()
    assert (own.channel, own.entered_by, own.respondent) == ("phone", mine, "李经理") and own.is_submitted
    assert CampaignEvent.objects.filter(campaign=own.campaign, verb="entered", actor=mine).count() == 1


def test_the_other_salespersons_customer_is_not_found_and_not_shown(client_for, two_sales):
    mine, _theirs, _own, other, asked = two_sales
    client = client_for(mine)
    for name in ("surveys:response_enter", "surveys:response"):
        page = client.get(reverse(name, args=[other.pk]))
        assert page.status_code == 404 and "乙方轨道公司" not in page.content.decode()
    client.post(reverse("surveys:response_enter", args=[other.pk]), _complete(asked, channel="paper"))
    assert not Answer.objects.filter(response=other).exists()


def test_a_draft_keeps_the_answers_and_errors_name_every_missing_question(client_for, two_sales):
    mine, _theirs, own, _other, asked = two_sales
    client = client_for(mine)
    address = reverse("surveys:response_enter", args=[own.pk])
    data = {"action": "save", "channel": "paper", f"q{asked['text'].pk}": "纸质问卷原文"}
    assert client.post(address, data).status_code == 302
    assert "纸质问卷原文" in client.get(address).content.decode()
    page = client.post(address, {**data, "action": "submit"}).content.decode()
    assert page.count('data-testid="question-error"') == 4 and "纸质问卷原文" in page
    assert not Response.objects.get(pk=own.pk).is_submitted


def test_the_response_page_highlights_the_dissatisfied_answers(client_for, two_sales):
    mine, _theirs, own, _other, asked = two_sales
    client = client_for(mine)
    client.post(reverse("surveys:response_enter", args=[own.pk]), _complete(asked, channel="visit"))
    page = client.get(reverse("surveys:response", args=[own.pk])).content.decode()
    assert page.count('data-testid="dissatisfied"') == 1 and "响应及时性" in page and "甲方电力公司" in page
    assert 'data-testid="enter-answers"' not in page


@pytest.mark.parametrize(
    "role,status",
    [
        (roles.AFTERSALES_MANAGER, 200),
        (roles.QUALITY_CLERK, 200),
        (roles.AFTERSALES_ENGINEER, 403),
        (roles.GENERAL_MANAGER, 403),
        (roles.WAREHOUSE_KEEPER, 403),
    ],
)
def test_keying_in_is_for_the_roles_that_hold_it(client_for, two_sales, role, status):
    _mine, _theirs, _own, other, _asked = two_sales
    assert client_for(role).get(reverse("surveys:response_enter", args=[other.pk])).status_code == status


@pytest.mark.parametrize("role,status", [(roles.GENERAL_MANAGER, 200), (roles.WAREHOUSE_KEEPER, 403)])
def test_reading_a_response_is_for_the_survey_readers(client_for, two_sales, role, status):
    _mine, _theirs, _own, other, _asked = two_sales
    assert client_for(role).get(reverse("surveys:response", args=[other.pk])).status_code == status


def test_a_submitted_response_cannot_be_keyed_in_again(client_for, two_sales):
    mine, _theirs, own, _other, asked = two_sales
    client = client_for(mine)
    address = reverse("surveys:response_enter", args=[own.pk])
    client.post(address, _complete(asked, channel="paper"))
    again = client.post(address, _complete(asked, channel="paper", **{f"q{asked['scale'].pk}": "5"}))
    assert again.status_code == 302 and again.url == reverse("surveys:response", args=[own.pk])
    assert Answer.objects.get(response=own, question=asked["scale"]).score == 1


def test_the_staff_pages_run_a_constant_number_of_queries_as_questions_grow(
    client_for, two_sales, django_assert_max_num_queries
):
    from .factories_answers import QuestionFactory

    mine, _theirs, own, _other, asked = two_sales
    client = client_for(mine)
    client.post(reverse("surveys:response_enter", args=[own.pk]), _complete(asked, "save", channel="paper"))
    pages = [reverse("surveys:response", args=[own.pk]), reverse("surveys:response_enter", args=[own.pk])]
    client.get(pages[0])  # the session and permissions are cached from here on

    def count_queries():
        for page in pages:
            with django_assert_max_num_queries(14):
                assert client.get(page).status_code == 200

    count_queries()
    for n in range(12):
        QuestionFactory(questionnaire=own.campaign.questionnaire, kind="multiple", text=f"加题{n}").choices.create(
            text="是"
        )
    count_queries()
