"""Admin actions that run a service per selected row and report each outcome by number."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


class ServiceActionsMixin:
    """Run a service per selected row and report every outcome by record number."""

    service_keyword = ""
    action_order = ("pk",)

    def _run(self, request, queryset, step, **kwargs):
        done = []
        for record in queryset.order_by(*self.action_order):
            try:
                step(actor=request.user, **{self.service_keyword: record}, **kwargs)
            except PermissionDenied:
                self.message_user(
                    request,
                    _("%(number)s: you may not take this step on this record.") % {"number": record.number},
                    messages.ERROR,
                )
            except ValidationError as error:
                self.message_user(request, f"{record.number}: {' '.join(error.messages)}", messages.ERROR)
            else:
                done.append(record.number)
        if done:
            action = request.POST.get("action", "")
            label = self.get_actions(request).get(action, (None, None, action))[2]
            text = _("%(action)s – done for %(numbers)s.") % {"action": label, "numbers": ", ".join(done)}
            self.message_user(request, text, messages.SUCCESS)

    def _text(self, request) -> str:
        text = request.POST.get("reason", "").strip()
        if not text:
            self.message_user(
                request,
                _("Write the text this step needs in the box next to the action, then run it again."),
                messages.ERROR,
            )
        return text
