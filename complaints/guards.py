"""Conditions other apps set on a complaint's move into a stage.

An app that builds on complaints (service work's repair quotes) registers a guard for a
target stage from its AppConfig.ready: ``guard(complaint)`` returns nothing when the move
may go ahead and raises ``ValidationError`` with a translated message when it may not.
The complaint services ask every guard of the target stage inside their transaction, on
the locked row, before the transition. The complaints app never imports the guards' apps.
"""

from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import ValidationError

Guard = Callable[[object], None]
_GUARDS: dict[str, list[Guard]] = defaultdict(list)


def register_guard(target_state: str, guard: Guard) -> None:
    """Ask ``guard(complaint)`` before any complaint moves into ``target_state``."""
    if guard not in _GUARDS[str(target_state)]:
        _GUARDS[str(target_state)].append(guard)


def problems(complaint, target_state: str) -> list[ValidationError]:
    """Return the refusals of the guards of ``target_state`` for ``complaint`` (empty: it may move)."""
    found = []
    for guard in _GUARDS.get(str(target_state), []):
        try:
            guard(complaint)
        except ValidationError as error:
            found.append(error)
    return found


def check(complaint, target_state: str) -> None:
    """Raise the guards' refusals of ``complaint`` moving into ``target_state``, all at once."""
    found = problems(complaint, target_state)
    if found:
        raise ValidationError([item for error in found for item in error.error_list])
