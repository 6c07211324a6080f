"""Factories of the answering tests: a questionnaire with every kind of question, a campaign, responses."""

import datetime

import factory

from ..models import Campaign, Dimension, Question
from . import factories as base


class QuestionnaireFactory(base.QuestionnaireFactory):
    code = factory.Sequence(lambda n: f"ANS-{n}")
    title = "客户满意度调查问卷"
    introduction = "感谢您抽出宝贵时间填写本问卷。"
    closing_text = "衷心感谢您的支持！"


class QuestionFactory(base.QuestionFactory):
    questionnaire = factory.SubFactory(QuestionnaireFactory)
    text = factory.Sequence(lambda n: f"问题{n}：您对我们的服务满意吗？")
    dimension = factory.LazyAttribute(lambda q: Dimension.TIMELINESS if q.kind == Question.Kind.SCALE else "")


class ChoiceFactory(base.ChoiceFactory):
    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.SINGLE)


class CampaignFactory(base.CampaignFactory):
    """An open campaign of December 2026 (the answering tests travel in time around it)."""

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    state = Campaign.State.OPEN
    opens_on = datetime.date(2026, 12, 1)
    closes_on = datetime.date(2026, 12, 31)


class ResponseFactory(base.ResponseFactory):
    campaign = factory.SubFactory(CampaignFactory)
    tier = "B"


SectionFactory = base.SectionFactory


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
