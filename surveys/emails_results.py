"""The e-mail sent when a campaign is concluded; templates in templates/emails/surveys_concluded_*."""

from aftersales import emails, roles

from .models import Campaign


def campaign_concluded(campaign: Campaign) -> int:
    """Tell management and the quality deputy that the figures are final and the report is ready."""
    people = [*roles.holders(roles.MANAGEMENT), *roles.holders(roles.QUALITY_DEPUTY)]
    figures = campaign.results or {}
    return emails.send(
        "surveys_concluded",
        emails.addresses(people),
        {"campaign": campaign, "csi": figures.get("csi"), "answered": figures.get("answered")},
    )


MESSAGES = {"concluded": campaign_concluded}


def deliver(kind: str, object_id: int, extra: dict) -> int:
    """Send the outbox's survey-results notification ``kind`` (``surveys.<kind>``); return the count sent."""
    campaign = Campaign.objects.select_related("concluded_by").get(pk=object_id)
    return MESSAGES[kind](campaign, **extra)
