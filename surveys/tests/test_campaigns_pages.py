import datetime

import pytest
import time_machine
from django.urls import reverse

from aftersales import roles
from customers.models import CustomerTier
from customers.tests.factories import ContactFactory, CustomerFactory
from surveys.models import Campaign, Response

from .factories_campaigns import CampaignFactory, QuestionnaireFactory, ResponseFactory

pytestmark = pytest.mark.django_db
NOV = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
ALLOWED = [roles.QUALITY_LEADER, roles.QUALITY_CLERK]
REFUSED = [roles.SALES, roles.AFTERSALES_MANAGER, roles.GENERAL_MANAGER]


@pytest.fixture
def two_sales(make_user):
    return make_user(roles.SALES, username="zhang"), make_user(roles.SALES, username="li")


@pytest.fixture
def campaign(two_sales):
    """An open campaign with one customer of each salesperson, one of them without an e-mail."""
    zhang, li = two_sales
    campaign = CampaignFactory(state=Campaign.State.OPEN)
    own = CustomerFactory(name="张的客户电力公司", code="ZH01", salesperson=zhang)
    ContactFactory(customer=own, name="王工", email="wang@example.cn", is_primary=True)
    other = CustomerFactory(name="李的客户轨道公司", code="LI01", salesperson=li)
    ResponseFactory(campaign=campaign, customer=own, contact=own.contacts.get())
    ResponseFactory(campaign=campaign, customer=other, invited_at=NOV)
    return campaign


@pytest.mark.parametrize("code", ALLOWED)
@time_machine.travel(NOV, tick=False)
def test_quality_group_creates_a_campaign_from_the_form(client_for, code):
    questionnaire = QuestionnaireFactory()
    data = {"name": "2026年度满意度调查", "year": 2026, "questionnaire": questionnaire.pk, "target_answers": 50}
    data.update({"reminder_after_days": 7, "sampling_A": "1", "sampling_B": "0.5", "sampling_C": "0.2"})
    response = client_for(code).post(reverse("surveys:campaign_create"), data)
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response.url == campaign.get_absolute_url()
    assert campaign.opens_on == datetime.date(2026, 12, 1) and campaign.sampling["B"] == "0.50"


@time_machine.travel(NOV, tick=False)
def test_the_form_shows_every_date_problem_at_once_and_keeps_what_was_typed(client_for):
    questionnaire = QuestionnaireFactory()
    data = {"name": "打错日期的调查", "year": 2027, "questionnaire": questionnaire.pk, "target_answers": 50}
    data.update({"reminder_after_days": 7, "sampling_A": "1", "sampling_B": "0.5", "sampling_C": "0.2"})
    data.update({"opens_on": "2026-11-01", "closes_on": "2026-10-01"})
    response = client_for(roles.QUALITY_LEADER).post(reverse("surveys:campaign_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"closes_on", "year", "opens_on"} <= set(errors)
    assert "打错日期的调查" in response.content.decode()
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("code", REFUSED)
def test_other_roles_may_not_create_edit_or_step_a_campaign(client_for, code, campaign):
    client = client_for(code)
    assert client.get(reverse("surveys:campaign_create")).status_code == 403
    assert client.get(reverse("surveys:campaign_edit", args=[campaign.pk])).status_code == 403
    for action in ("sample", "open", "invite", "remind", "close"):
        assert client.post(reverse("surveys:campaign_action", args=[campaign.pk, action])).status_code == 403
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert 'data-testid="close"' not in page
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.OPEN


@pytest.mark.parametrize("code", ALLOWED)
def test_quality_group_steps_a_campaign_from_its_page(client_for, code):
    tier_a = CustomerTier.objects.get(code="A")
    ContactFactory(customer=CustomerFactory(tier=tier_a), email="x@example.cn", is_primary=True)
    campaign = CampaignFactory(opens_on=datetime.date(2026, 12, 1))
    client = client_for(code)
    with time_machine.travel(NOV, tick=False):
        client.post(reverse("surveys:campaign_action", args=[campaign.pk, "sample"]))
        page = client.get(campaign.get_absolute_url()).content.decode()
        assert 'data-testid="open"' in page
        client.post(reverse("surveys:campaign_action", args=[campaign.pk, "open"]))
        client.post(reverse("surveys:campaign_action", args=[campaign.pk, "invite"]))
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.OPEN
    assert campaign.responses.filter(invited_at__isnull=False).count() == 1


def test_opening_without_a_sample_is_refused_with_a_message(client_for):
    campaign = CampaignFactory()
    client = client_for(roles.QUALITY_LEADER)
    response = client.post(reverse("surveys:campaign_action", args=[campaign.pk, "open"]), follow=True)
    assert "alert" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.DRAFT


def test_salesperson_sees_only_their_own_customers_and_figures(client_for, two_sales, campaign):
    zhang, li = two_sales
    page = client_for(zhang).get(reverse("surveys:campaign_responses", args=[campaign.pk])).content.decode()
    assert "张的客户电力公司" in page and "王工" in page
    assert "李的客户轨道公司" not in page and "LI01" not in page
    page = client_for(li).get(reverse("surveys:campaign_responses", args=[campaign.pk])).content.decode()
    assert "李的客户轨道公司" in page and 'data-testid="phone-or-paper"' in page
    assert "张的客户电力公司" not in page and "ZH01" not in page
    listing = client_for(li).get(reverse("surveys:campaign_list"))
    assert listing.context["campaigns"].get(pk=campaign.pk).sampled == 1
    detail = client_for(li).get(campaign.get_absolute_url())
    assert sum(row["sampled"] for row in detail.context["tiers"]) == 1


def test_quality_sees_every_sampled_customer_with_status_and_filters(client_for, campaign):
    client = client_for(roles.QUALITY_CLERK)
    url = reverse("surveys:campaign_responses", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "张的客户电力公司" in page and "李的客户轨道公司" in page
    page = client.get(url, {"status": "invited"}).content.decode()
    assert "李的客户轨道公司" in page and "张的客户电力公司" not in page
    page = client.get(url, {"status": "not_invited"}).content.decode()
    assert "张的客户电力公司" in page and "李的客户轨道公司" not in page
    page = client.get(url, {"tier": "A"}).content.decode()
    assert "张的客户电力公司" not in page


def test_responses_list_reads_a_constant_number_of_queries(client_for, campaign, django_assert_max_num_queries):
    client = client_for(roles.QUALITY_LEADER)
    url = reverse("surveys:campaign_responses", args=[campaign.pk])
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(30):
        customer = CustomerFactory()
        contact = ContactFactory(customer=customer, email=f"c{n}@example.cn")
        ResponseFactory(campaign=campaign, customer=customer, contact=contact)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"]) == 32


def test_responses_list_pages_by_keyset(client_for, campaign):
    for _ in range(55):
        ResponseFactory(campaign=campaign)
    client = client_for(roles.QUALITY_LEADER)
    url = reverse("surveys:campaign_responses", args=[campaign.pk])
    first = client.get(url).context["page"]
    second = client.get(url + "?" + first.next_query).context["page"]
    assert len(first) == 50 and len(second) == 7
    assert not {r.pk for r in first} & {r.pk for r in second}


def test_campaign_page_says_what_it_waits_for(client_for, campaign):
    client = client_for(roles.QUALITY_LEADER)
    page = client.get(campaign.get_absolute_url())
    assert 'data-testid="waiting-on"' in page.content.decode()
    assert "50" in page.context["waiting"][0]
    draft = CampaignFactory()
    assert "质量组" in client.get(draft.get_absolute_url()).context["waiting"][0]


def test_my_work_lists_late_drafts_and_closed_campaigns_for_the_quality_group(client_for):
    late = CampaignFactory(name="迟迟未开的调查", opens_on=datetime.date(2026, 12, 1))
    closed = CampaignFactory(name="等待总结的调查", state=Campaign.State.CLOSED)
    with time_machine.travel(datetime.datetime(2026, 12, 3, 2, tzinfo=datetime.UTC), tick=False):
        page = client_for(roles.QUALITY_LEADER).get(reverse("complaints:my_work")).content.decode()
        assert late.name in page and closed.name in page
        sales_page = client_for(roles.SALES).get(reverse("complaints:my_work")).content.decode()
        assert late.name not in sales_page


def test_edit_keeps_the_sampling_of_an_open_campaign(client_for, campaign):
    client = client_for(roles.QUALITY_LEADER)
    url = reverse("surveys:campaign_edit", args=[campaign.pk])
    form = client.get(url).context["form"]
    assert form.fields["sampling_A"].disabled
    data = {name: form[name].value() for name in form.fields}
    data.update({"name": "改名后的调查", "target_answers": 70, "questionnaire": campaign.questionnaire_id})
    with time_machine.travel(NOV, tick=False):
        response = client.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "改名后的调查" and campaign.target_answers == 70
    assert Response.objects.filter(campaign=campaign).count() == 2


@pytest.mark.parametrize("code", [roles.WAREHOUSE_KEEPER, roles.PURCHASING])
def test_roles_outside_the_survey_may_not_open_its_pages(client_for, code, campaign):
    client = client_for(code)
    for url in (
        reverse("surveys:campaign_list"),
        campaign.get_absolute_url(),
        reverse("surveys:campaign_responses", args=[campaign.pk]),
    ):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("code", [roles.AFTERSALES_ENGINEER, roles.QUALITY_DEPUTY, roles.MANAGEMENT])
def test_readers_see_the_campaign_without_its_buttons(client_for, code, campaign):
    client = client_for(code)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert campaign.name in page and 'data-testid="action-form"' not in page
    assert campaign.name in client.get(reverse("surveys:campaign_list")).content.decode()


def test_start_page_shows_open_campaigns_to_the_quality_group_only(client_for, campaign):
    page = client_for(roles.QUALITY_CLERK).get(reverse("home")).content.decode()
    assert 'data-testid="survey-campaigns-card"' in page and campaign.name in page
    page = client_for(roles.SALES).get(reverse("home")).content.decode()
    assert 'data-testid="survey-campaigns-card"' not in page
