"""Factories of the survey app.

A campaign's state is set through the constructor (``CampaignFactory(state="open")``),
never by calling transitions: the state field is protected. ``standard_questionnaire``
builds the questionnaire of a real annual survey, in Chinese, for page and figure tests.
"""

import datetime

import factory
from django.utils import timezone

from aftersales.tests.factories import UserFactory
from customers.models import Customer
from customers.tests.factories import CustomerFactory, ProductModelFactory

from ..models import Answer, Campaign, Choice, Dimension, Question, Questionnaire, Response, Section


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    code = factory.Sequence(lambda n: f"CSQ-{n:03d}")
    version = 1
    title = factory.Sequence(lambda n: f"客户满意度调查问卷{n}")
    introduction = "尊敬的客户：感谢您一直以来对我公司产品和服务的支持，请抽出几分钟填写本问卷。"
    closing_text = "感谢您的宝贵意见！"
    created_by = factory.SubFactory(UserFactory)

    class Params:
        frozen = factory.Trait(frozen_at=factory.LazyFunction(timezone.now))


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
    text = factory.Sequence(lambda n: f"您对我公司售后服务的总体评价如何？（{n}）")
    kind = Question.Kind.SCALE
    dimension = factory.LazyAttribute(lambda q: Dimension.ATTITUDE if q.kind == Question.Kind.SCALE else "")
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
    opens_on = factory.LazyFunction(timezone.localdate)
    closes_on = factory.LazyAttribute(lambda c: c.opens_on + datetime.timedelta(days=30))
    target_answers = 50
    created_by = factory.SubFactory(UserFactory)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    campaign = factory.SubFactory(CampaignFactory)
    customer = factory.SubFactory(CustomerFactory)
    tier = factory.LazyAttribute(lambda r: r.customer.tier.code if r.customer.tier_id else "B")
    token = factory.LazyFunction(Response.new_token)
    channel = Response.Channel.ONLINE

    class Params:
        invited = factory.Trait(invited_at=factory.LazyFunction(timezone.now))
        submitted = factory.Trait(
            invited_at=factory.LazyFunction(timezone.now),
            started_at=factory.LazyFunction(timezone.now),
            submitted_at=factory.LazyFunction(timezone.now),
        )


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer
        skip_postgeneration_save = True

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory)
    score = factory.LazyAttribute(
        lambda a: 4 if a.question.kind == Question.Kind.SCALE else 8 if a.question.kind == Question.Kind.NPS else None
    )
    text = ""

    @factory.post_generation
    def choices(self, create, extracted, **kwargs):
        if create and extracted:
            self.choices.set(extracted)


# (dimension, question) of the common scale questions, two per dimension.
STANDARD_SCALE = [
    (Dimension.TIMELINESS, "接到报修后，我公司响应是否及时？"),
    (Dimension.TIMELINESS, "服务人员是否按约定时间到达现场？"),
    (Dimension.CONVENIENCE, "联系我公司售后服务是否方便？"),
    (Dimension.CONVENIENCE, "备品备件的获取是否方便？"),
    (Dimension.TECHNICAL, "服务工程师的技术水平能否解决问题？"),
    (Dimension.TECHNICAL, "维修后设备运行是否稳定？"),
    (Dimension.VALUE, "服务收费是否合理？"),
    (Dimension.VALUE, "备件价格是否合理？"),
    (Dimension.ATTITUDE, "服务人员的态度是否热情、礼貌？"),
    (Dimension.ATTITUDE, "对您的意见和投诉是否认真对待？"),
]


def standard_questionnaire(user=None, *, product_model=None, code="CSQ-STD") -> Questionnaire:
    """Build the annual questionnaire: scale questions per dimension, choices, 0–10, text, business lines.

    Pass another ``code`` to build two in one test (code and version are unique together).
    """
    user = user or UserFactory()
    questionnaire = QuestionnaireFactory(code=code, title="2026年度客户满意度调查问卷", created_by=user)
    scale = SectionFactory(questionnaire=questionnaire, title="一、服务满意度评价", position=1)
    other = SectionFactory(questionnaire=questionnaire, title="二、其他意见", position=2)
    lines = SectionFactory(questionnaire=questionnaire, title="三、行业与产品", position=3)
    for position, (dimension, text) in enumerate(STANDARD_SCALE, start=1):
        QuestionFactory(questionnaire=questionnaire, section=scale, text=text, dimension=dimension, position=position)
    single = QuestionFactory(
        questionnaire=questionnaire,
        section=other,
        kind=Question.Kind.SINGLE,
        dimension="",
        text="您通常通过哪种方式联系我公司售后服务？",
        position=1,
    )
    for position, text in enumerate(["服务热线", "销售人员", "微信/邮件"], start=1):
        ChoiceFactory(question=single, text=text, position=position)
    multiple = QuestionFactory(
        questionnaire=questionnaire,
        section=other,
        kind=Question.Kind.MULTIPLE,
        dimension="",
        text="您希望我公司在哪些方面改进？（可多选）",
        required=False,
        position=2,
    )
    for position, text in enumerate(["响应速度", "备件供应", "技术培训", "服务价格"], start=1):
        ChoiceFactory(question=multiple, text=text, position=position)
    QuestionFactory(
        questionnaire=questionnaire,
        section=other,
        kind=Question.Kind.NPS,
        dimension="",
        text="您向同行推荐我公司产品和服务的可能性有多大？",
        position=3,
    )
    QuestionFactory(
        questionnaire=questionnaire,
        section=other,
        kind=Question.Kind.TEXT,
        dimension="",
        text="您对我公司还有哪些意见和建议？",
        required=False,
        position=4,
    )
    QuestionFactory(
        questionnaire=questionnaire,
        section=lines,
        dimension=Dimension.TECHNICAL,
        text="设备在电网运行环境下的可靠性是否满足要求？",
        industry=Customer.Industry.POWER,
        position=1,
    )
    QuestionFactory(
        questionnaire=questionnaire,
        section=lines,
        dimension=Dimension.TECHNICAL,
        text="该型号开关柜的操作和维护是否方便？",
        product_model=product_model or ProductModelFactory(code="KYN28-12", name="KYN28-12 开关柜"),
        position=2,
    )
    return questionnaire
