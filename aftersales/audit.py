"""Who changed what: ledger edits are written to Django's admin log in the same transaction."""

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType


def record_change(*, actor, obj, added: bool = False, fields: list[str] | None = None, message: str = "") -> None:
    """Log an addition or a change of ``obj`` by ``actor`` (shown in the admin history)."""
    if added:
        change_message = [{"added": {}}]
    else:
        change_message = [{"changed": {"fields": sorted(fields or [])}}]
    if message:
        change_message.append({"message": message})
    LogEntry.objects.create(
        user_id=actor.pk,
        content_type_id=ContentType.objects.get_for_model(obj, for_concrete_model=False).pk,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=ADDITION if added else CHANGE,
        change_message=_json(change_message),
    )


def _json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
