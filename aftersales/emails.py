"""Rendering and sending of templated e-mail.

Each message has three templates: ``emails/<name>_subject.txt``, ``_body.txt`` and
``_body.html``. Apps define one function per message on top of :func:`send`.
Messages are rendered in the site's default language: recipients share one.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


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
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()


def addresses(users) -> list[str]:
    return [u.email for u in users if u.email and u.is_active]
