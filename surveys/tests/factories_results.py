"""Campaigns with responses and answers built directly, for the results tests."""

import datetime
import itertools

from django.utils import timezone

from aftersales.tests.factories import UserFactory
from customers.models import CustomerTier
from customers.tests.factories import CustomerFactory

from ..models import Answer, Campaign, Choice, Dimension, Question, Questionnaire, Response, Section

_serial = itertools.count(1)


def questionnaire():
    """Return a questionnaire: two scale questions (timeliness, attitude), one 0–10, one choice, one text."""
    n = next(_serial)
    q = Questionnaire.objects.create(code=f"RES{n}", title=f"满意度问卷{n}", created_by=UserFactory())
    section = Section.objects.create(questionnaire=q, title="服务", position=1)
    add = Question.objects.create
    q.timely = add(
        questionnaire=q,
        section=section,
        text="到场及时性",
        kind=Question.Kind.SCALE,
        dimension=Dimension.TIMELINESS,
        position=1,
    )
    q.attitude = add(
        questionnaire=q,
        section=section,
        text="服务态度",
        kind=Question.Kind.SCALE,
        dimension=Dimension.ATTITUDE,
        position=2,
    )
    q.nps = add(questionnaire=q, section=section, text="推荐意愿", kind=Question.Kind.NPS, position=3)
    q.channel = add(questionnaire=q, section=section, text="获知渠道", kind=Question.Kind.SINGLE, position=4)
    q.web = Choice.objects.create(question=q.channel, text="网站", position=1)
    q.phone = Choice.objects.create(question=q.channel, text="电话", position=2)
    q.comment = add(
        questionnaire=q, section=section, text="其他建议", kind=Question.Kind.TEXT, position=5, required=False
    )
    return q


def campaign(*, state=Campaign.State.CLOSED, year=2026, target=50, questionnaire_=None, **extra):
    """Return a campaign in ``state`` (the state is written directly: it is protected from assignment)."""
    q = questionnaire_ or questionnaire()
    c = Campaign.objects.create(
        name=extra.pop("name", f"{year}年度客户满意度调查"),
        year=year,
        questionnaire=q,
        opens_on=datetime.date(year, 12, 1),
        closes_on=datetime.date(year, 12, 31),
        target_answers=target,
        created_by=UserFactory(),
        **extra,
    )
    Campaign.objects.filter(pk=c.pk).update(state=state)
    c.refresh_from_db()
    c.q = q
    return c


def set_weights(**weights):
    for code, weight in weights.items():
        CustomerTier.objects.filter(code=code).update(survey_weight=weight)


def response(
    c, *, customer=None, tier="B", scores=(), nps=None, choice=None, comment="", submitted=True, **customer_kw
):
    """Return a response of ``c`` with the scale ``scores`` (timeliness, attitude) and the other answers given."""
    customer = customer or CustomerFactory(tier=CustomerTier.objects.get(code=tier), **customer_kw)
    r = Response.objects.create(
        campaign=c,
        customer=customer,
        tier=tier,
        token=Response.new_token(),
        invited_at=timezone.now(),
        submitted_at=timezone.now() if submitted else None,
    )
    q = c.q
    for question, score in zip((q.timely, q.attitude), scores, strict=False):
        if score is not None:
            Answer.objects.create(response=r, question=question, score=score)
    if nps is not None:
        Answer.objects.create(response=r, question=q.nps, score=nps)
    if choice is not None:
        Answer.objects.create(response=r, question=q.channel).choices.add(choice)
    if comment:
        Answer.objects.create(response=r, question=q.comment, text=comment)
    return r
