"""Factories of the answering tests: a questionnaire with every kind of question, a campaign, responses."""

import datetime

import factory

from aftersales.tests.factories import UserFactory
from customers.tests.factories import CustomerFactory

from ..models import Campaign, Choice, Dimension, Question, Questionnaire, Response, Section


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    code = factory.Sequence(lambda n: f"ANS-{n}")
    title = "客户满意度调查问卷"
    introduction = "感谢您抽出宝贵时间填写本问卷。"
    closing_text = "衷心感谢您的支持！"
    created_by = factory.SubFactory(UserFactory)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    title = factory.Sequence(lambda n: f"第{n}部分")
    position = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    section = None
    text = factory.Sequence(lambda n: f"问题{n}：您对我们的服务满意吗？")
    kind = Question.Kind.SCALE
    dimension = factory.LazyAttribute(lambda q: Dimension.TIMELINESS if q.kind == Question.Kind.SCALE else "")
    required = True
    position = factory.Sequence(lambda n: n)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.SINGLE)
    text = factory.Sequence(lambda n: f"选项{n}")
    position = factory.Sequence(lambda n: n)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"2026年度客户满意度调查{n}")
    year = 2026
    questionnaire = factory.SubFactory(QuestionnaireFactory)
    state = Campaign.State.OPEN
    opens_on = datetime.date(2026, 12, 1)
    closes_on = datetime.date(2026, 12, 31)
    created_by = factory.SubFactory(UserFactory)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    campaign = factory.SubFactory(CampaignFactory)
    customer = factory.SubFactory(CustomerFactory)
    tier = "B"
    token = factory.LazyFunction(Response.new_token)


def full_questionnaire(**kwargs):
    """Return a questionnaire of two sections asking one question of each kind, and the questions by kind."""
    questionnaire = QuestionnaireFactory(**kwargs)
    first, second = (
        SectionFactory(questionnaire=questionnaire, position=1),
        SectionFactory(questionnaire=questionnaire, position=2),
    )
    common = {"questionnaire": questionnaire, "section": second}
    asked = {
        "scale": QuestionFactory(questionnaire=questionnaire, section=first, text="响应及时性", position=1),
        "single": QuestionFactory(questionnaire=questionnaire, section=first, kind="single", text="联系方式"),
        "multiple": QuestionFactory(**common, kind="multiple", text="改进方面"),
        "nps": QuestionFactory(**common, kind="nps", text="推荐意愿"),
        "text": QuestionFactory(**common, kind="text", text="其他建议", required=False),
    }
    for kind in ("single", "multiple"):
        for n, text in enumerate(("电话", "邮件", "现场")):
            ChoiceFactory(question=asked[kind], text=f"{text}{kind[0]}", position=n)
    return questionnaire, asked
