"""Rendering and sending of templated e-mail.

Each message has three templates: ``emails/<name>_subject.txt``, ``_body.txt`` and
``_body.html``. Apps define one function per message on top of :func:`send`.
Messages are rendered in the site's default language: recipients share one.
The outbox dispatcher sends through :func:`sending`, which gives each message its stable
Message-ID and the dispatcher's mail connection.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


@dataclass
class Sending:
    message_id: str
    connection: object = None
    recipients: list[str] = field(default_factory=list)
    count: int = 0

    def next_message_id(self) -> str:
        # One notification normally sends one message; a second one gets its own id.
        self.count += 1
        if self.count == 1:
            return self.message_id
        local, _at, domain = self.message_id.strip("<>").partition("@")
        return f"<{local}.{self.count}@{domain}>"


_sending: ContextVar[Sending | None] = ContextVar("aftersales_email_sending", default=None)


@contextmanager
def sending(*, message_id: str, connection=None):
    """Send the messages of one notification with its Message-ID through ``connection``."""
    state = Sending(message_id=message_id, connection=connection)
    token = _sending.set(state)
    try:
        yield state
    finally:
        _sending.reset(token)


def send(name: str, to: list[str], context: dict, attachments: list[tuple[str, bytes, str]] | None = None) -> int:
    """Render and send message ``name`` to the addresses ``to``; return the count sent."""
    to = sorted({address for address in to if address})
    if not to:
        return 0
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        text = render_to_string(f"emails/{name}_body.txt", context)
        html = render_to_string(f"emails/{name}_body.html", context)
    state = _sending.get()
    headers = {"Message-ID": state.next_message_id()} if state else None
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        to,
        headers=headers,
        connection=state.connection if state else None,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    sent = message.send()
    if state:
        state.recipients.extend(to)
    return sent


def addresses(users) -> list[str]:
    return [u.email for u in users if u.email and u.is_active]
