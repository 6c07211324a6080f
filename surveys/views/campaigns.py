"""Survey campaigns: list, create, edit, the campaign page with its steps, and its responses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.keyset import paginate, query_without_page
from customers.models import CustomerTier

from ..forms.campaigns import CampaignForm
from ..models import Campaign
from ..selectors import campaigns as selectors
from ..services import campaigns as services

view_required = permission_required("surveys.view_campaign", raise_exception=True)
change_required = permission_required("surveys.change_campaign", raise_exception=True)

ACTIONS = {
    "sample": services.campaign_sample,
    "open": services.campaign_open,
    "invite": services.send_invitations,
    "remind": services.send_reminders,
    "close": services.campaign_close,
}
DONE = {
    "sample": gettext_lazy("%(count)s customers sampled."),
    "open": gettext_lazy("The campaign is open: send the invitations next."),
    "invite": gettext_lazy("%(count)s invitations queued for sending."),
    "remind": gettext_lazy("%(count)s reminders queued for sending."),
    "close": gettext_lazy(
        "The campaign is closed: customers' links no longer take answers; conclude it once the paper answers are in."
    ),
}


@login_required
@view_required
def campaign_list(request):
    campaigns = selectors.campaign_list(user=request.user)
    return render(request, "surveys/campaigns_list.html", {"campaigns": campaigns})


@login_required
@permission_required("surveys.add_campaign", raise_exception=True)
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.values())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Campaign created. Sample the customers, then open it."))
            return redirect(campaign)
    return render(request, "surveys/campaigns_form.html", {"form": form})


@login_required
@change_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    form = CampaignForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        values = {name: value for name, value in form.values().items() if value is not None}
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **values)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect(campaign)
    return render(request, "surveys/campaigns_form.html", {"form": form, "campaign": campaign})


def waiting_lines(campaign) -> list[str]:
    """Say what the campaign waits for and on whom."""
    if campaign.state == Campaign.State.DRAFT:
        step = _("sample the customers and open") if not campaign.sampled_at else _("open the campaign")
        return [_("the quality group to %(step)s") % {"step": step}]
    if campaign.state == Campaign.State.OPEN:
        return [
            _("customers to answer: %(answered)s answers of the target %(target)s")
            % {"answered": campaign.answered, "target": campaign.target_answers}
        ]
    if campaign.state == Campaign.State.CLOSED:
        return [_("the quality group leader to conclude the campaign")]
    return []


@login_required
@view_required
def campaign_detail(request, pk):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    context = {
        "campaign": campaign,
        "tiers": selectors.sampling_table(user=request.user, campaign=campaign),
        "waiting": waiting_lines(campaign),
        "can_change": request.user.has_perm("surveys.change_campaign"),
        "events": campaign.events.select_related("actor"),
        "questionnaire_url": campaign.questionnaire.get_absolute_url(),
    }
    return render(request, "surveys/campaigns_detail.html", context)


@login_required
@change_required
@require_POST
def campaign_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    try:
        result = ACTIONS[action](actor=request.user, campaign=campaign)
    except (ValidationError, PermissionDenied) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
        return redirect(campaign)
    messages.success(request, DONE[action] % {"count": result if isinstance(result, int) else 0})
    return redirect(campaign)


@login_required
@view_required
def campaign_responses(request, pk):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    status = request.GET.get("status", "")
    status = status if status in selectors.STATUSES else ""
    tier = request.GET.get("tier", "")
    tiers = list(CustomerTier.objects.order_by("code").values_list("code", flat=True))
    tier = tier if tier in tiers else ""
    rows = selectors.campaign_responses(user=request.user, campaign=campaign, status=status, tier=tier)
    page = paginate(rows, request.GET)
    for response in page:
        response.status = selectors.response_status(response)
        response.status_label = selectors.STATUSES[response.status]
    context = {
        "campaign": campaign,
        "page": page,
        "query": query_without_page(request),
        "status": status,
        "statuses": selectors.STATUSES.items(),
        "tier": tier,
        "tiers": tiers,
        # Paper and phone answers are keyed in until the campaign is concluded.
        "may_enter": request.user.has_perm("surveys.enter_response")
        and campaign.state in (campaign.State.OPEN, campaign.State.CLOSED),
    }
    return render(request, "surveys/campaigns_responses.html", context)
