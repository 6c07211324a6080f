"""The training e-mails to attendees: invitation, reminder and cancellation (templates emails/staff_training_*).

The outbox row names the session and (in ``extra``) the person; ``deliver`` loads both afresh,
so a person taken off the session, or a session cancelled or held meanwhile, gets nothing stale.
"""

from django.conf import settings
from django.contrib.auth import get_user_model

from aftersales import emails

from .models import TrainingSession

# kind -> (template, the session states in which it is still worth sending)
MESSAGES = {
    "invitation": ("staff_training_invitation", {TrainingSession.State.SCHEDULED}),
    "reminder": ("staff_training_reminder", {TrainingSession.State.SCHEDULED}),
    "cancelled": ("staff_training_cancelled", {TrainingSession.State.CANCELLED}),
}


def deliver(kind: str, object_id: int, extra: dict) -> int:
    """Send the outbox's training notification ``kind`` (``staff.training.<what>``); return the count sent."""
    what = kind.rsplit(".", 1)[-1]
    template, states = MESSAGES[what]
    session = TrainingSession.objects.select_related("trainer").filter(pk=object_id).first()
    person = get_user_model().objects.filter(pk=extra.get("person"), is_active=True).first()
    if session is None or person is None or session.state not in states:
        return 0
    if what != "cancelled" and not session.attendances.filter(person=person).exists():
        return 0
    link = settings.SITE_URL.rstrip("/") + session.get_absolute_url()
    return emails.send(template, emails.addresses([person]), {"session": session, "person": person, "link": link})
