from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from aftersales import outbox


def notify(kind: str, object_id: int, **extra) -> None:
    """Write one quality e-mail to the outbox in this transaction; it is sent after the commit."""
    outbox.enqueue(f"quality.{kind}", object_id, extra=extra)


def check_step(instance, name: str, actor, *, check_permission: bool = True) -> None:
    """Raise unless the stage allows transition ``name`` and ``actor`` holds its role."""
    method = getattr(instance, name)
    if not can_proceed(method, check_conditions=False):
        raise ValidationError(
            _("%(record)s is %(state)s; this step is not possible now."),
            params={"record": instance.number, "state": instance.get_state_display()},
            code="state",
        )
    if check_permission and not method._django_fsm.has_transition_perm(instance, instance.state, actor):
        raise PermissionDenied


def run_transition(instance, name: str, actor, *, check_permission: bool = True) -> str:
    """Check stage, role and conditions of transition ``name``, run it, return the old state."""
    method = getattr(instance, name)
    check_step(instance, name, actor, check_permission=check_permission)
    if not can_proceed(method):
        raise ValidationError(_("The conditions for this step are not met yet."), code="conditions")
    before = instance.state
    method()
    return before


def may(instance, name: str, user) -> bool:
    """Return whether the stage allows transition ``name`` and ``user`` holds its role."""
    method = getattr(instance, name)
    return can_proceed(method, check_conditions=False) and method._django_fsm.has_transition_perm(
        instance, instance.state, user
    )


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def require_text(value: str, message) -> None:
    if not (value or "").strip():
        raise ValidationError(message, code="required")
