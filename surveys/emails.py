"""The survey's e-mails to customers' contacts; templates in templates/emails/surveys_*.

The outbox stores a kind and a response id (registered in surveys.hooks); ``deliver``
loads the response afresh and sends, so a message never carries a stale address and a
customer who has answered in the meantime is not reminded.
"""

from django.conf import settings
from django.urls import reverse

from aftersales import emails

from . import emails_results
from .models import Campaign, Response


def answer_link(response: Response) -> str:
    """Return the absolute URL of the response's personal answer page."""
    return settings.SITE_URL.rstrip("/") + reverse("survey_public:answer", args=[response.token])


def _context(response: Response) -> dict:
    return {
        "response": response,
        "campaign": response.campaign,
        "contact": response.contact,
        "customer": response.customer,
        "company": settings.COMPANY_NAME,
        "link": answer_link(response),
        "closes_on": response.campaign.closes_on,
    }


def _sendable(response: Response) -> bool:
    open_ = response.campaign.state == Campaign.State.OPEN
    return open_ and response.submitted_at is None and response.contact is not None and bool(response.contact.email)


def invitation(response: Response) -> int:
    """Invite the customer's contact to answer through the personal link."""
    if not _sendable(response):
        return 0
    return emails.send("surveys_invitation", [response.contact.email], _context(response))


def reminder(response: Response) -> int:
    """Remind the contact who has not answered yet; nothing once the answers are in."""
    if not _sendable(response):
        return 0
    return emails.send("surveys_reminder", [response.contact.email], _context(response))


def _response(pk):
    return Response.objects.select_related("campaign", "customer", "contact").get(pk=pk)


MESSAGES = {
    "invitation": (_response, invitation),
    "reminder": (_response, reminder),
}


def deliver(kind: str, object_id: int, extra: dict) -> int:
    """Send the outbox's survey notification ``kind``; return the count sent."""
    if kind in emails_results.MESSAGES:
        return emails_results.deliver(kind, object_id, extra)
    load, send = MESSAGES[kind]
    return send(load(object_id), **extra)
