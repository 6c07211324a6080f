"""Concluding a campaign, turning findings into actions and following up dissatisfied customers."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.outbox import enqueue
from quality.models import CapaSource
from quality.services.capa import capa_create

from ..models import Campaign, CampaignEvent, Finding, Response
from ..reports import workbook_bytes
from ..selectors.results import campaign_results

__all__ = ["campaign_conclude", "finding_create", "response_follow_up", "may_create_finding", "REPORT_FOLDER"]

REPORT_FOLDER = "surveys/reports"


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def may_create_finding(user) -> bool:
    return user.has_perm("surveys.add_finding") or user.has_perm("quality.add_capaaction")


@transaction.atomic
def campaign_conclude(*, actor, campaign, reason: str = "", summary: str = "") -> Campaign:
    """Conclude a closed campaign: freeze its figures and write the management-review report.

    Below the answer target a reason is required; it is kept on the campaign and in its timeline.
    """
    _require(actor.has_perm("surveys.conclude_campaign"))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state != Campaign.State.CLOSED:
        raise ValidationError(_("Only a closed campaign can be concluded."), code="state")
    reason, summary = (reason or "").strip(), (summary or "").strip()
    answered = campaign.responses.submitted().count()
    if answered < campaign.target_answers and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "Only %(answered)s answers were submitted, below the target of %(target)s: "
                    "give the reason for concluding anyway."
                )
                % {"answered": answered, "target": campaign.target_answers}
            }
        )
    campaign.shortfall_reason = reason if answered < campaign.target_answers else ""
    campaign.summary = summary
    campaign.results = campaign_results(campaign, user=None)
    campaign.concluded_at, campaign.concluded_by = timezone.now(), actor
    campaign.conclude()
    _write_report(campaign)
    campaign.save()
    note = _("%(answered)s answers, target %(target)s.") % {"answered": answered, "target": campaign.target_answers}
    if campaign.shortfall_reason:
        note += " " + _("Below the target: %(reason)s") % {"reason": campaign.shortfall_reason}
    CampaignEvent.objects.create(campaign=campaign, actor=actor, verb=CampaignEvent.Verb.CONCLUDED, note=note)
    enqueue("surveys.concluded", campaign.pk, key=f"survey-concluded-{campaign.pk}")
    return campaign


@transaction.atomic
def finding_create(
    *,
    actor,
    campaign,
    question=None,
    dimension: str = "",
    kind,
    problem,
    planned_action,
    owner,
    department,
    due_date,
) -> Finding:
    """Turn a finding of the campaign into a corrective or preventive action linked both ways."""
    _require(may_create_finding(actor))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state not in (Campaign.State.CLOSED, Campaign.State.CONCLUDED):
        raise ValidationError(_("Findings are drawn from a closed or concluded campaign."), code="state")
    if question is not None and question.questionnaire_id != campaign.questionnaire_id:
        raise ValidationError({"question": _("The question is not in this campaign's questionnaire.")})
    if question is not None and not dimension:
        dimension = question.dimension
    reference = f"{campaign.name} · {question.text}" if question is not None else campaign.name
    action = capa_create(
        actor=actor,
        kind=kind,
        source=CapaSource.SURVEY,
        source_reference=reference[:100],
        problem=problem,
        planned_action=planned_action,
        owner=owner,
        department=department,
        due_date=due_date,
    )
    finding = Finding.objects.create(
        campaign=campaign, question=question, dimension=dimension or "", capa=action, created_by=actor
    )
    CampaignEvent.objects.create(
        campaign=campaign, actor=actor, verb=CampaignEvent.Verb.FINDING, note=f"{action.number} {problem}"[:500]
    )
    if campaign.state == Campaign.State.CONCLUDED:
        # Findings usually come after the conclusion: the kept report lists every action taken,
        # over the same frozen figures.
        old_name = campaign.report.name
        _write_report(campaign)
        campaign.save(update_fields=["report", "updated_at"])
        if old_name and old_name != campaign.report.name:
            transaction.on_commit(lambda: campaign.report.storage.delete(old_name))
    return finding


def _write_report(campaign) -> None:
    """Write the management-review workbook of the frozen figures into ``campaign.report`` (private storage)."""
    workbook = ContentFile(workbook_bytes(campaign, campaign.results))
    campaign.report.save(f"campaign-{campaign.pk}-{campaign.year}.xlsx", workbook, save=False)


@transaction.atomic
def response_follow_up(*, actor, response, note: str) -> Response:
    """Record the follow-up call to a dissatisfied customer."""
    _require(actor.has_perm("surveys.change_response"))
    # Sales follow up only their own customers' responses.
    _require(Response.objects.visible_to(actor).filter(pk=response.pk).exists())
    response = Response.objects.select_for_update().get(pk=response.pk)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write what the customer said on the follow-up call.")})
    if response.submitted_at is None:
        raise ValidationError(_("Only a submitted response can be followed up."), code="state")
    response.follow_up_note, response.followed_up_at = note, timezone.now()
    response.save(update_fields=["follow_up_note", "followed_up_at"])
    return response
