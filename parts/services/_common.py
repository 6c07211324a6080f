"""What the parts services share: running a guarded transition."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django_fsm import can_proceed


def run_transition(actor, record, name: str) -> None:
    """Check the state and the role for transition ``name`` of the locked ``record`` and run it."""
    method = getattr(record, name)
    if not can_proceed(method):
        raise ValidationError(
            _("%(record)s is %(state)s; this step is not possible now."),
            params={"record": str(record), "state": record.get_state_display()},
            code="state",
        )
    if not method._django_fsm.has_transition_perm(record, record.state, actor):
        raise PermissionDenied
    method()
