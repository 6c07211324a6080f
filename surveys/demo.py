"""Demo satisfaction surveys: last year's concluded campaign and this year's open one.

Run through ``manage.py seed_demo`` after the customer ledger exists. The questionnaire is
built through the questionnaire services by the quality group leader; last year's
campaign is sampled, opened, answered (online, on paper and by phone), closed and
concluded through the campaign, answer and result services, with one finding turned into
a corrective action. The services stamp every step "now" and refuse an opening date in
the past, so last year's campaign is moved back a year before it is concluded (its dates
and timestamps, by :func:`_age`, the only write that bypasses the services), and its
conclusion afterwards. This year's campaign is open: invitations sent, some customers
have answered, some saved a draft, a few were keyed in from phone calls. Nothing is
added when a campaign exists already.
"""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.management import CommandError
from django.utils import timezone

from customers.models import ProductModel
from quality.models import CapaAction

from .models import Answer, Campaign, CampaignEvent, Question, Questionnaire, Response
from .services import answers, campaigns, questionnaires, results

SEED = 1212
USERNAMES = ["quality_leader", "quality_clerk", "quality_engineer", "sales", "sales2"]
K, D = Question.Kind, "dimension"

INTRODUCTION = (
    "尊敬的客户：感谢您一直以来对我公司产品和服务的支持。为持续改进售后服务质量，"
    "我们开展年度顾客满意度调查，约需 5 分钟。您的意见将直接用于我们的改进。"
)
CLOSING = "感谢您的宝贵意见！我们将认真分析每一条反馈，并在管理评审中落实改进措施。"

# (section, [(kind, text, dimension, extra)]); extra: choices, or {"industry"/"product_model": …}
SECTIONS = [
    (
        "一、服务及时性与便利性",
        [
            (K.SCALE, "接到您的报修或投诉后，我们的响应速度", "timeliness", {}),
            (K.SCALE, "服务人员到达现场的及时程度", "timeliness", {}),
            (K.SCALE, "联系售后服务的方便程度（电话、邮件、微信）", "convenience", {}),
        ],
    ),
    (
        "二、产品与技术服务质量",
        [
            (K.SCALE, "产品运行的可靠性", "technical", {}),
            (K.SCALE, "服务工程师解决问题的技术水平", "technical", {}),
            (K.SCALE, "开关柜产品在电网运行中的适应性", "technical", {"industry": "power"}),
            (K.SCALE, "预装式变电站的安装调试指导", "technical", {"product_model": "YBM-12/0.4"}),
        ],
    ),
    (
        "三、价格与服务态度",
        [
            (K.SCALE, "产品与服务的性价比", "value", {}),
            (K.SCALE, "服务人员的服务态度与沟通", "attitude", {}),
            (K.SINGLE, "您最常用的联系渠道", "", {"choices": ["电话", "电子邮件", "微信", "销售经理上门"]}),
            (
                K.MULTIPLE,
                "您希望我们重点改进哪些方面（可多选）",
                "",
                {"choices": ["响应速度", "备件供应", "技术培训", "文件资料", "价格"]},
            ),
            (K.NPS, "您向同行推荐我公司产品的可能性（0–10 分）", "", {}),
            (K.TEXT, "其他意见和建议", "", {"required": False}),
        ],
    ),
]
NEW_IN_V2 = (K.SCALE, "远程技术支持（电话、视频）解决问题的效果", "technical")

COMMENTS = [
    "备件到货周期偏长，希望常用备件在区域服务站备库。",
    "服务工程师专业、耐心，值得表扬。",
    "希望每年安排一次运维人员培训。",
    "夜间报修响应较慢，建议设立 24 小时值班电话。",
    "产品质量稳定，总体满意。",
    "技术资料更新不及时，希望提供电子版说明书。",
    "上次现场服务一次解决问题，效率很高。",
    "价格略高，希望在框架协议中给予更多优惠。",
]
# The mean score a tier's customers lean to, and how much worse timeliness fares (the
# finding the demo turns into an action).
LEANING = {"A": 4.3, "B": 4.0, "C": 3.7}
TIMELINESS_PENALTY = 0.6


def seed(*, stdout, style) -> None:
    """Create the demo questionnaire and campaigns unless a campaign exists already."""
    if Campaign.objects.exists():
        stdout.write("Surveys: campaigns already there, nothing added.")
        return
    users = _users()
    first = _questionnaire(users["quality_leader"])
    last_year = _last_year(users, first)
    second = questionnaires.questionnaire_new_version(actor=users["quality_leader"], questionnaire=first)
    kind, text, dimension = NEW_IN_V2
    questionnaires.question_add(
        actor=users["quality_leader"],
        questionnaire=second,
        section=second.sections.order_by("position")[1],  # with the technical questions
        kind=kind,
        text=text,
        dimension=dimension,
    )
    this_year = _this_year(users, second)
    _report(stdout, style, last_year, this_year)


def _users() -> dict:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    if missing := set(USERNAMES) - set(users):
        raise CommandError(f"Demo users missing ({', '.join(sorted(missing))}): run aftersales' demo first.")
    return users


def _questionnaire(leader):
    questionnaire = questionnaires.questionnaire_create(
        actor=leader, code="KHMYD", title="顾客满意度调查问卷", introduction=INTRODUCTION, closing_text=CLOSING
    )
    models = {m.code: m for m in ProductModel.objects.all()}
    for title, items in SECTIONS:
        section = questionnaires.section_add(actor=leader, questionnaire=questionnaire, title=title)
        for kind, text, dimension, extra in items:
            question = questionnaires.question_add(
                actor=leader,
                questionnaire=questionnaire,
                section=section,
                kind=kind,
                text=text,
                dimension=dimension,
                required=extra.get("required", True),
                industry=extra.get("industry", ""),
                product_model=models.get(extra.get("product_model")),
            )
            for choice in extra.get("choices", []):
                questionnaires.choice_add(actor=leader, question=question, text=choice)
    return questionnaire


def _last_year(users: dict, questionnaire) -> Campaign:
    """Sample, open, answer and close last year's campaign, move it back a year, then conclude it."""
    leader, today = users["quality_leader"], timezone.localdate()
    year = today.year - 1
    campaign = campaigns.campaign_create(
        actor=leader,
        name=f"{year}年度顾客满意度调查",
        year=today.year,
        questionnaire=questionnaire,
        opens_on=today,
        closes_on=date(today.year, 12, 31),
        sampling={"A": "1.00", "B": "0.90", "C": "0.80"},
    )
    campaigns.campaign_sample(actor=leader, campaign=campaign)
    campaigns.campaign_open(actor=leader, campaign=campaign)
    rng = random.Random(SEED)
    responses = list(campaign.responses.select_related("customer", "contact").order_by("customer__code"))
    for response in responses[: max(len(responses) - 6, 0)]:
        channel = rng.choices(["online", "paper", "phone"], weights=[6, 2, 2])[0]
        _answer(response, rng, users, channel=channel, submit=True, timeliness_penalty=TIMELINESS_PENALTY)
    campaigns.campaign_close(actor=leader, campaign=campaign)
    _age(campaign, date(year, 12, 1), year)
    campaign.refresh_from_db()
    campaign = results.campaign_conclude(
        actor=leader,
        campaign=campaign,
        summary="满意度总体良好；响应及时性是各维度中得分最低的一项，已立项纠正。",
    )
    _age_conclusion(campaign, timezone.make_aware(timezone.datetime(year + 1, 1, 12, 10, 0)))
    timeliness = questionnaire.questions.filter(dimension="timeliness").order_by("position").first()
    results.finding_create(
        actor=leader,
        campaign=campaign,
        question=timeliness,
        dimension="timeliness",
        kind=CapaAction.Kind.CORRECTIVE,
        problem="年度满意度调查中“响应速度”得分在各维度中最低，夜间和节假日报修响应慢是主要意见。",
        planned_action="设立 24 小时售后值班电话；区域服务站常用备件备库；响应时间纳入月度考核。",
        owner=users["quality_engineer"],
        department="售后服务组",
        due_date=today + timedelta(days=45),
    )
    return campaign


def _this_year(users: dict, questionnaire) -> Campaign:
    """Open this year's campaign: invitations out, answers coming in."""
    leader, today = users["quality_leader"], timezone.localdate()
    campaign = campaigns.campaign_create(
        actor=leader,
        name=f"{today.year}年度顾客满意度调查",
        year=today.year,
        questionnaire=questionnaire,
        opens_on=today,
        closes_on=date(today.year, 12, 31),
    )
    campaigns.campaign_sample(actor=leader, campaign=campaign)
    campaigns.campaign_open(actor=leader, campaign=campaign)
    campaigns.send_invitations(actor=leader, campaign=campaign)
    if today.month == 12 and today.day > 1:  # opened on its first day, as the daily task does
        Campaign.objects.filter(pk=campaign.pk).update(opens_on=date(today.year, 12, 1))
    rng = random.Random(SEED + 1)
    responses = list(campaign.responses.select_related("customer", "contact").order_by("customer__code"))
    rng.shuffle(responses)
    for response in responses[:14]:
        _answer(response, rng, users, channel="online", submit=True, timeliness_penalty=0.2)
    for response in responses[14:19]:
        _answer(response, rng, users, channel="online", submit=False, timeliness_penalty=0.2)
    for response in responses[19:22]:
        _answer(response, rng, users, channel="phone", submit=True, timeliness_penalty=0.2)
    return campaign


def _answer(response, rng, users, *, channel: str, submit: bool, timeliness_penalty: float) -> None:
    """Answer as a customer of the response's tier would, online or keyed in by staff."""
    from .selectors.questions import questions_for

    customer = response.customer
    lean = LEANING.get(response.tier, 3.8) + rng.uniform(-0.8, 0.6)
    data = {}
    for question in questions_for(response.campaign.questionnaire_id, customer):
        if question.kind == K.SCALE:
            mean = lean - (timeliness_penalty if question.dimension == "timeliness" else 0)
            data[question.pk] = max(1, min(5, round(rng.gauss(mean, 0.7))))
        elif question.kind == K.NPS:
            data[question.pk] = max(0, min(10, round(rng.gauss(lean * 2, 1.3))))
        elif question.kind == K.SINGLE:
            data[question.pk] = rng.choice([c.pk for c in question.choices.all()])
        elif question.kind == K.MULTIPLE:
            options = [c.pk for c in question.choices.all()]
            data[question.pk] = rng.sample(options, rng.randint(1, 2))
        elif rng.random() < 0.35:
            data[question.pk] = rng.choice(COMMENTS)
    if channel == "online" and not (response.contact and response.contact.email):
        channel = "phone"  # no link could be sent: the salesperson asked on the phone
    staff = None
    if channel != "online":
        owner = customer.salesperson if customer.salesperson and customer.salesperson.is_active else None
        staff = owner or users["quality_clerk"]
    service = answers.response_submit if submit else answers.response_save
    respondent = response.contact.name if staff and response.contact else ""
    service(response=response, data=data, actor=staff, channel=staff and channel, respondent=respondent)


def _age(campaign: Campaign, opens_on: date, year: int) -> None:
    """Move a campaign answered today back to ``opens_on`` (the only write outside the services)."""
    shift = timezone.localdate() - opens_on
    Campaign.objects.filter(pk=campaign.pk).update(
        year=year,
        opens_on=opens_on,
        closes_on=date(year, 12, 31),
        opened_at=campaign.opened_at and _back(campaign.opened_at, shift),
        sampled_at=campaign.sampled_at and _back(campaign.sampled_at, shift),
        created_at=_back(campaign.created_at, shift),
    )
    # Last year's invitations went out on the opening day (not sent again from the demo).
    invited = timezone.make_aware(timezone.datetime(year, 12, 1, 9, 0))
    campaign.responses.filter(contact__email__gt="", invited_at__isnull=True).update(invited_at=invited)
    Campaign.objects.filter(pk=campaign.pk, closed_at__isnull=False).update(
        closed_at=timezone.make_aware(timezone.datetime(year, 12, 31, 18, 0))
    )
    for response in campaign.responses.all():
        changes = {
            name: _back(getattr(response, name), shift)
            for name in ("invited_at", "reminded_at", "started_at", "submitted_at")
            if getattr(response, name)
        }
        if changes:
            Response.objects.filter(pk=response.pk).update(**changes)
    for event in campaign.events.all():
        CampaignEvent.objects.filter(pk=event.pk).update(at=_back(event.at, shift))
    questionnaire = Questionnaire.objects.get(pk=campaign.questionnaire_id)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        frozen_at=_back(questionnaire.frozen_at, shift), created_at=_back(questionnaire.created_at, shift)
    )


def _age_conclusion(campaign: Campaign, at) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(concluded_at=at)
    CampaignEvent.objects.filter(campaign=campaign, verb=CampaignEvent.Verb.CONCLUDED).update(at=at)


def _back(moment, shift: timedelta):
    return moment - shift if moment else moment


def _report(stdout, style, last_year: Campaign, this_year: Campaign) -> None:
    def counts(campaign):
        sampled = campaign.responses.count()
        answered = campaign.responses.submitted().count()
        return sampled, answered

    last, this = counts(last_year), counts(this_year)
    drafts = this_year.responses.filter(started_at__isnull=False, submitted_at__isnull=True).count()
    stdout.write(
        style.SUCCESS(
            f"Surveys: {last_year.name} concluded ({last[1]} of {last[0]} sampled answered, "
            f"{Answer.objects.filter(response__campaign=last_year).count()} answers, one finding into an action); "
            f"{this_year.name} open ({this[0]} sampled, {this[1]} answered, {drafts} drafts)."
        )
    )
