"""Factories of the campaign tests: a small questionnaire, campaigns, customers with contacts."""

import datetime

import factory

from aftersales.tests.factories import UserFactory
from customers.models import CustomerTier
from customers.tests.factories import ContactFactory, CustomerFactory

from ..models import Campaign, Question, Questionnaire, Response


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"Q{n:03d}")
    title = "客户满意度调查问卷"
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Question.objects.create(questionnaire=self, text="服务及时性", dimension="timeliness", position=1)
            Question.objects.create(questionnaire=self, text="其他意见", kind="text", required=False, position=2)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"{2026}年度客户满意度调查{n}")
    year = 2026
    questionnaire = factory.SubFactory(QuestionnaireFactory)
    opens_on = datetime.date(2026, 12, 1)
    closes_on = datetime.date(2026, 12, 31)
    seed = 12345
    created_by = factory.SubFactory(UserFactory)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    campaign = factory.SubFactory(CampaignFactory)
    customer = factory.SubFactory(CustomerFactory)
    tier = factory.LazyAttribute(lambda o: o.customer.tier_id)
    token = factory.LazyFunction(Response.new_token)


def customer_with_email(tier="B", **kwargs):
    """Return a customer of ``tier`` whose primary contact has an e-mail address."""
    customer = CustomerFactory(tier=CustomerTier.objects.get(code=tier), **kwargs)
    ContactFactory(customer=customer, is_primary=True, email=f"{customer.code.lower()}@example.cn")
    return customer
