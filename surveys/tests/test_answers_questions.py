"""Which questions a customer is asked: the common ones plus their business line's, in reading order."""

import pytest

from customers.tests.factories import CustomerFactory, DeliveryFactory, ProductModelFactory

from ..selectors.questions import questions_for
from .factories_answers import QuestionFactory, QuestionnaireFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    questionnaire = QuestionnaireFactory()
    later, first = (
        SectionFactory(questionnaire=questionnaire, position=2),
        SectionFactory(questionnaire=questionnaire, position=1),
    )
    model = ProductModelFactory(code="KYN28")
    return questionnaire, {
        "common": QuestionFactory(questionnaire=questionnaire, section=later, position=1, text="通用"),
        "first": QuestionFactory(questionnaire=questionnaire, section=first, position=5, text="第一部分"),
        "rail": QuestionFactory(questionnaire=questionnaire, section=first, position=9, text="轨交", industry="rail"),
        "kyn": QuestionFactory(questionnaire=questionnaire, section=later, position=2, text="KYN", product_model=model),
        "loose": QuestionFactory(questionnaire=questionnaire, section=None, position=3, text="无分组"),
    }


def _texts(questionnaire, customer):
    return [q.text for q in questions_for(questionnaire, customer)]


def test_business_line_questions_appear_only_for_matching_customers(lines):
    questionnaire, _asked = lines
    power = CustomerFactory(industry="power")
    assert _texts(questionnaire, power) == ["无分组", "第一部分", "通用"]
    rail = CustomerFactory(industry="rail")
    assert _texts(questionnaire, rail) == ["无分组", "第一部分", "轨交", "通用"]
    DeliveryFactory(customer=power, product_model__code="KYN28")
    assert _texts(questionnaire, power) == ["无分组", "第一部分", "通用", "KYN"]


def test_a_customer_without_an_industry_gets_no_product_line_question_by_accident(lines):
    questionnaire, _asked = lines
    assert _texts(questionnaire, CustomerFactory(industry="")) == ["无分组", "第一部分", "通用"]


def test_questions_and_their_choices_take_two_queries(lines, django_assert_num_queries):
    questionnaire, asked = lines
    asked["first"].choices.create(text="是")
    customer = CustomerFactory(industry="rail")
    with django_assert_num_queries(2):
        questions = list(questions_for(questionnaire, customer))
        assert [c.text for q in questions for c in q.choices.all()] == ["是"]
