"""Campaign lifecycle: create, edit, sample the customers, open, close, invite and remind.

Every function is keyword-only and atomic, locks the campaign row, checks the actor's
permission and writes a :class:`CampaignEvent`. ``actor=None`` is the daily task
(:mod:`surveys.tasks`): the system, which needs no permission. E-mails are outbox rows
written in the same transaction as the change that causes them, each with a unique key,
so no rerun and no second worker can send one twice.
"""

import datetime
import math
import random
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from aftersales import outbox
from customers.models import Contact, Customer, CustomerTier

from ..models import Campaign, CampaignEvent, Response

# Fields a campaign that is already open may still change; the rest shape the sample.
OPEN_EDITABLE = {"name", "closes_on", "target_answers", "reminder_after_days"}
FIELDS = ("name", "year", "questionnaire", "opens_on", "closes_on", "target_answers", "sampling", "reminder_after_days")


def _require(actor, permission: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(_("You may not manage survey campaigns."))


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().select_related("questionnaire").get(pk=campaign.pk)


def _event(campaign, actor, verb, note="", changes=None) -> None:
    CampaignEvent.objects.create(campaign=campaign, actor=actor, verb=verb, note=note, changes=changes or [])


def default_sampling() -> dict:
    """Return each tier's sampling ratio as set on the tier (CustomerTier.sampling_ratio)."""
    return {tier.code: str(tier.sampling_ratio) for tier in CustomerTier.objects.order_by("code")}


def default_dates(year: int) -> tuple[datetime.date, datetime.date]:
    """Return the usual survey period: December of ``year``, from today if December has begun."""
    first, last = datetime.date(year, 12, 1), datetime.date(year, 12, 31)
    today = timezone.localdate()
    return (today if first < today <= last else first), last


def clean_sampling(raw) -> tuple[dict, list[str]]:
    """Return the sampling as {tier code: "0.50"} and the problems found (every one of them)."""
    tiers = set(CustomerTier.objects.values_list("code", flat=True))
    cleaned, problems = {}, []
    for code, value in (raw or {}).items():
        if code not in tiers:
            problems.append(_("Unknown customer tier %(code)s.") % {"code": code})
            continue
        try:
            ratio = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            ratio = None
        if ratio is None or not ratio.is_finite() or not 0 <= ratio <= 1:
            problems.append(_("The share of tier %(code)s must be between 0 and 1.") % {"code": code})
            continue
        cleaned[code] = str(ratio.quantize(Decimal("0.01")))
    return cleaned, problems


def _validate(values: dict, *, new: bool) -> dict:
    """Return the values cleaned, or raise one ValidationError listing every problem."""
    errors: dict[str, list] = {}
    opens_on, closes_on, year = values["opens_on"], values["closes_on"], values["year"]
    if closes_on < opens_on:
        errors.setdefault("closes_on", []).append(_("The closing date cannot be before the opening date."))
    if opens_on.year != year:
        errors.setdefault("year", []).append(
            _("The campaign opens in %(opens)s, not in %(year)s.") % {"opens": opens_on.year, "year": year}
        )
    if new and opens_on < timezone.localdate():
        errors.setdefault("opens_on", []).append(_("A new campaign cannot open in the past."))
    if not values["name"].strip():
        errors.setdefault("name", []).append(_("Give the campaign a name."))
    if values["target_answers"] < 1:
        errors.setdefault("target_answers", []).append(_("The answer target must be at least 1."))
    if not 1 <= values["reminder_after_days"] <= 60:
        errors.setdefault("reminder_after_days", []).append(_("Remind after 1 to 60 days."))
    values["sampling"], problems = clean_sampling(values["sampling"])
    if problems:
        errors["sampling"] = problems
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def campaign_create(
    *,
    actor,
    name: str,
    year: int,
    questionnaire,
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
    target_answers: int = 50,
    sampling: dict | None = None,
    reminder_after_days: int = 7,
) -> Campaign:
    """Create a draft campaign; dates default to December of ``year``, sampling to the tiers' ratios."""
    _require(actor, "surveys.add_campaign")
    first, last = default_dates(year)
    values = _validate(
        {
            "name": name,
            "year": year,
            "opens_on": opens_on or first,
            "closes_on": closes_on or last,
            "target_answers": target_answers,
            "sampling": default_sampling() if sampling is None else sampling,
            "reminder_after_days": reminder_after_days,
        },
        new=True,
    )
    campaign = Campaign.objects.create(questionnaire=questionnaire, created_by=actor, **values)
    _event(campaign, actor, CampaignEvent.Verb.CREATED)
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **changes) -> Campaign:
    """Change a campaign: everything while a draft; once open only its name, closing, target and reminders."""
    _require(actor, "surveys.change_campaign")
    campaign = _lock(campaign)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"campaign_update() got unexpected fields {sorted(unknown)}")
    if campaign.state not in (Campaign.State.DRAFT, Campaign.State.OPEN):
        raise ValidationError(_("A closed campaign can no longer be changed."))
    values = _validate({name: changes.get(name, getattr(campaign, name)) for name in FIELDS}, new=False)
    changed = [name for name in FIELDS if values[name] != getattr(campaign, name)]
    if campaign.state == Campaign.State.OPEN and set(changed) - OPEN_EDITABLE:
        raise ValidationError(
            _(
                "An open campaign keeps its questionnaire, year, opening date and sampling; "
                "only its name, closing date, target and reminders may change."
            )
        )
    history = [{"field": name, "old": str(getattr(campaign, name)), "new": str(values[name])} for name in changed]
    for name in changed:
        setattr(campaign, name, values[name])
    note = ""
    if {"sampling", "questionnaire", "year"} & set(changed) and campaign.sampled_at is not None:
        # The drawn sample no longer matches what the campaign asks for: draw again before opening.
        campaign.responses.all().delete()
        campaign.sampled_at = None
        note = _("The sample was cleared; sample the customers again.")
    campaign.save()
    if changed:
        _event(campaign, actor, CampaignEvent.Verb.UPDATED, note=note, changes=history)
    return campaign


def draw_sample(campaign: Campaign) -> list[tuple[int, str]]:
    """Return the sampled (customer id, tier code), in customer-code order.

    The draw is reproducible: one ``random.Random(campaign.seed)`` draws each tier in turn,
    tiers in code order, from that tier's active customers in code order. The same seed
    over the same customers (and the same ratios) gives the same sample; a customer added,
    deactivated or moved between tiers changes it. The number drawn from a tier is its
    customer count times its ratio, rounded up, so a tier with a positive ratio is never
    left out.
    """
    rng = random.Random(campaign.seed)
    rows = Customer.objects.filter(is_active=True).order_by("code").values_list("pk", "tier_id", "code")
    by_tier: dict[str, list[tuple[int, str]]] = {}
    for pk, tier, code in rows:
        by_tier.setdefault(tier, []).append((pk, code))
    drawn = []
    for tier in sorted(campaign.sampling):
        customers = by_tier.get(tier, [])
        size = min(len(customers), math.ceil(len(customers) * Decimal(campaign.sampling[tier])))
        drawn.extend((code, pk, tier) for pk, code in rng.sample(customers, size))
    return [(pk, tier) for _code, pk, tier in sorted(drawn)]


def recipients(customer_ids: list[int]) -> dict[int, int]:
    """Return {customer id: contact id}: the primary contact with an e-mail, else the first one with an e-mail."""
    chosen: dict[int, int] = {}
    contacts = (
        Contact.objects.filter(customer_id__in=customer_ids)
        .exclude(email="")
        .order_by("customer_id", "-is_primary", "name", "id")
        .values_list("customer_id", "pk")
    )
    for customer_id, contact_id in contacts:
        chosen.setdefault(customer_id, contact_id)
    return chosen


@transaction.atomic
def campaign_sample(*, actor, campaign: Campaign) -> int:
    """Draw the customers of a draft campaign and give each a personal link; return how many.

    A draft may be sampled again (its responses are replaced); an opened campaign may not.
    """
    _require(actor, "surveys.change_campaign")
    campaign = _lock(campaign)
    if campaign.state != Campaign.State.DRAFT:
        raise ValidationError(_("Only a draft campaign can be sampled; this one is already open."))
    campaign.responses.all().delete()
    sample = draw_sample(campaign)
    contacts = recipients([pk for pk, _tier in sample])
    # Created in customer-code order, so the id order of the responses list is the code order.
    Response.objects.bulk_create(
        [
            Response(
                campaign=campaign, customer_id=pk, tier=tier, contact_id=contacts.get(pk), token=Response.new_token()
            )
            for pk, tier in sample
        ],
        batch_size=1000,
    )
    campaign.sampled_at = timezone.now()
    campaign.save(update_fields=["sampled_at", "updated_at"])
    without = len(sample) - len(contacts)
    note = _("%(count)s customers sampled, %(without)s without an e-mail address.") % {
        "count": len(sample),
        "without": without,
    }
    _event(campaign, actor, CampaignEvent.Verb.SAMPLED, note=note)
    return len(sample)


@transaction.atomic
def campaign_open(*, actor, campaign: Campaign) -> Campaign:
    """Open a sampled draft campaign and freeze its questionnaire."""
    _require(actor, "surveys.change_campaign")
    campaign = _lock(campaign)
    if not can_proceed(campaign.open):
        raise ValidationError(_("Only a draft campaign can be opened."))
    if not campaign.responses.exists():
        raise ValidationError(_("Sample the customers before opening the campaign."))
    if campaign.closes_on < timezone.localdate():
        raise ValidationError(_("The closing date has passed; move it before opening."))
    questionnaire = campaign.questionnaire
    if questionnaire.frozen_at is None:
        # Set here rather than through surveys.services.questionnaires.questionnaire_freeze,
        # so opening does not depend on the questionnaire pages' module; the effect is the same.
        questionnaire.frozen_at = timezone.now()
        questionnaire.save(update_fields=["frozen_at", "updated_at"])
    campaign.open()
    campaign.opened_at = timezone.now()
    campaign.save()
    _event(campaign, actor, CampaignEvent.Verb.OPENED)
    return campaign


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    """Close an open campaign: its links stop taking answers; it waits for the leader to conclude."""
    _require(actor, "surveys.change_campaign")
    campaign = _lock(campaign)
    if not can_proceed(campaign.close):
        raise ValidationError(_("Only an open campaign can be closed."))
    campaign.close()
    campaign.closed_at = timezone.now()
    campaign.save()
    _event(campaign, actor, CampaignEvent.Verb.CLOSED)
    return campaign


def _claim_and_enqueue(campaign, pending, *, stamp: str, kind: str, key: str) -> int:
    """Mark ``pending`` responses sent and write one outbox row each, in the caller's transaction.

    The campaign row is locked by the caller, so two senders take turns; the conditional
    UPDATE and the outbox keys make a second pass find nothing left to send.
    """
    ids = list(pending.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    Response.objects.filter(pk__in=ids, **{f"{stamp}__isnull": True}).update(**{stamp: timezone.now()})
    outbox.enqueue_many([(kind, pk, key.format(pk=pk), {}) for pk in ids])
    return len(ids)


def _with_email(campaign):
    return campaign.responses.filter(submitted_at__isnull=True, contact__isnull=False).exclude(contact__email="")


@transaction.atomic
def send_invitations(*, actor, campaign: Campaign) -> int:
    """E-mail the personal link to every sampled contact not yet invited; return how many."""
    _require(actor, "surveys.change_campaign")
    campaign = _lock(campaign)
    if campaign.state != Campaign.State.OPEN:
        raise ValidationError(_("Invitations go out only while the campaign is open."))
    pending = _with_email(campaign).filter(invited_at__isnull=True)
    count = _claim_and_enqueue(
        campaign, pending, stamp="invited_at", kind="surveys.invitation", key="survey-invite-{pk}"
    )
    if count:
        _event(campaign, actor, CampaignEvent.Verb.INVITED, note=_("%(count)s invitations.") % {"count": count})
    return count


@transaction.atomic
def send_reminders(*, actor, campaign: Campaign) -> int:
    """Remind, once each, those invited at least N days ago who have not submitted; return how many."""
    _require(actor, "surveys.change_campaign")
    campaign = _lock(campaign)
    if campaign.state != Campaign.State.OPEN:
        raise ValidationError(_("Reminders go out only while the campaign is open."))
    due = timezone.now() - datetime.timedelta(days=campaign.reminder_after_days)
    pending = _with_email(campaign).filter(invited_at__lte=due, reminded_at__isnull=True)
    count = _claim_and_enqueue(
        campaign, pending, stamp="reminded_at", kind="surveys.reminder", key="survey-remind-{pk}"
    )
    if count:
        _event(campaign, actor, CampaignEvent.Verb.REMINDED, note=_("%(count)s reminders.") % {"count": count})
    return count


def run_daily(today: datetime.date | None = None) -> dict:
    """Open the campaigns due to open, close those past their closing date, invite and remind.

    Each campaign is handled in its own transaction under its row lock and only if it is
    still in the state the step expects, so a rerun, or a second worker at the same time,
    finds nothing left to do.
    """
    today = today or timezone.localdate()
    done = {"opened": 0, "closed": 0, "invited": 0, "reminded": 0}
    due_to_open = Campaign.objects.filter(
        state=Campaign.State.DRAFT, sampled_at__isnull=False, opens_on__lte=today, closes_on__gte=today
    )
    for pk in due_to_open.values_list("pk", flat=True):
        done["opened"] += _step(pk, Campaign.State.DRAFT, campaign_open)
    past = Campaign.objects.filter(state=Campaign.State.OPEN, closes_on__lt=today)
    for pk in past.values_list("pk", flat=True):
        done["closed"] += _step(pk, Campaign.State.OPEN, campaign_close)
    for pk in Campaign.objects.filter(state=Campaign.State.OPEN).values_list("pk", flat=True):
        done["invited"] += _step(pk, Campaign.State.OPEN, send_invitations)
        done["reminded"] += _step(pk, Campaign.State.OPEN, send_reminders)
    return done


def _step(pk: int, state: str, service) -> int:
    """Run ``service`` as the system on campaign ``pk`` if it is still in ``state``; return a count."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=pk, state=state).first()
        if campaign is None:
            return 0  # another worker moved it on first
        try:
            result = service(actor=None, campaign=campaign)
        except ValidationError:
            return 0  # no longer due (say, emptied by a re-sample): left for the quality group
    return result if isinstance(result, int) else 1
