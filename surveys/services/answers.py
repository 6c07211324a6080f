"""Answer writes: a customer's own link or staff keying in a paper or phone questionnaire."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import DISSATISFIED_AT, Answer, Campaign, CampaignEvent, Question, Response
from ..selectors.questions import questions_for

__all__ = ["DISSATISFIED_AT", "response_save", "response_submit"]

EMPTY = (None, "", [], ())


def response_save(*, response, data, actor=None, channel=None, respondent=None) -> Response:
    """Store the answers given so far; the response stays open to be resumed and submitted later."""
    return _store(response=response, data=data, actor=actor, channel=channel, respondent=respondent, submit=False)


def response_submit(*, response, data, actor=None, channel=None, respondent=None) -> Response:
    """Store the answers, check every required question is answered, and lock the response for good."""
    return _store(response=response, data=data, actor=actor, channel=channel, respondent=respondent, submit=True)


@transaction.atomic
def _store(*, response, data, actor, channel, respondent, submit) -> Response:
    locked = Response.objects.select_for_update().select_related("campaign", "customer").get(pk=response.pk)
    _check_may_answer(locked, actor)
    questions = list(questions_for(locked.campaign.questionnaire_id, locked.customer))
    values = _clean(questions, data)
    if submit:
        missing = {f"q{q.pk}": _("Please answer this question.") for q in questions if q.required}
        missing = {name: message for name, message in missing.items() if int(name[1:]) not in values}
        if missing:
            raise ValidationError(missing)
    _write_answers(locked, questions, values)
    now = timezone.now()
    locked.started_at = locked.started_at or now
    if submit:
        locked.submitted_at = now
    if actor is not None:
        if channel not in Response.Channel.values or channel == Response.Channel.ONLINE:
            raise ValidationError({"channel": _("Choose how the answers arrived: paper, phone or visit.")})
        locked.channel = channel
        locked.entered_by = actor
        _record_entry(locked, actor, submit)
    else:
        locked.channel = Response.Channel.ONLINE
    locked.respondent = (respondent or "").strip()[:100] or locked.respondent
    locked.save(update_fields=["started_at", "submitted_at", "channel", "entered_by", "respondent"])
    return locked


def _check_may_answer(response, actor) -> None:
    if response.submitted_at is not None:
        raise ValidationError(_("These answers were already submitted; they cannot be changed."))
    campaign = response.campaign
    if actor is None:
        if campaign.state != Campaign.State.OPEN or timezone.localdate() > campaign.closes_on:
            raise ValidationError(_("This survey has closed; answers are no longer accepted."))
        return
    if not actor.has_perm("surveys.enter_response"):
        raise PermissionDenied(_("You may not key in survey answers."))
    if not Response.objects.visible_to(actor).filter(pk=response.pk).exists():
        raise PermissionDenied(_("You may not key in answers for this customer."))
    # Paper forms arrive after the closing date: staff may key them in until the campaign is concluded.
    if campaign.state not in (Campaign.State.OPEN, Campaign.State.CLOSED):
        raise ValidationError(_("Answers can be keyed in only while the campaign is open or awaiting conclusion."))


def _clean(questions, data) -> dict:
    """Return {question pk: value} of the answered questions asked; refuse values a question cannot take."""
    values, errors = {}, {}
    for question in questions:
        value = data.get(question.pk)
        if value in EMPTY:
            continue
        try:
            values[question.pk] = _value_for(question, value)
        except (TypeError, ValueError):
            errors[f"q{question.pk}"] = _("This answer is not one of the choices offered.")
    if errors:
        raise ValidationError(errors)
    return values


def _value_for(question, value):
    kind = question.kind
    if kind == Question.Kind.TEXT:
        return str(value)
    if kind in (Question.Kind.SCALE, Question.Kind.NPS):
        low, high = (1, 5) if kind == Question.Kind.SCALE else (0, 10)
        if not low <= int(value) <= high:
            raise ValueError(value)
        return int(value)
    offered = {c.pk for c in question.choices.all()}
    picked = {int(v) for v in (value if isinstance(value, list | tuple | set) else [value])}
    if not picked <= offered or (kind == Question.Kind.SINGLE and len(picked) != 1):
        raise ValueError(value)
    return sorted(picked)


def _write_answers(response, questions, values) -> None:
    """Update answers in place, replace their choices, and drop answers cleared since the last save."""
    existing = {a.question_id: a for a in Answer.objects.filter(response=response)}
    cleared = [existing[q.pk].pk for q in questions if q.pk in existing and q.pk not in values]
    if cleared:
        Answer.objects.filter(pk__in=cleared).delete()
    for question in questions:
        if question.pk not in values:
            continue
        value = values[question.pk]
        answer = existing.get(question.pk) or Answer(response=response, question=question)
        answer.score = value if question.kind in (Question.Kind.SCALE, Question.Kind.NPS) else None
        answer.text = value if question.kind == Question.Kind.TEXT else ""
        answer.save()
        if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            answer.choices.set(value)


def _record_entry(response, actor, submit) -> None:
    # The note names no customer: the campaign timeline is read by every salesperson.
    parts = [response.get_channel_display(), _("submitted") if submit else _("saved as a draft")]
    if response.campaign.state == Campaign.State.CLOSED:
        parts.append(_("keyed in after the campaign closed"))
    CampaignEvent.objects.create(
        campaign=response.campaign,
        verb=CampaignEvent.Verb.ENTERED,
        actor=actor,
        note=_("Response #%(pk)s: %(what)s") % {"pk": response.pk, "what": " · ".join(str(p) for p in parts)},
    )
