"""Who changed what: ledger edits go to Django's admin log; timelines keep field-level changes."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _


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


# --- field-level history of timelines -------------------------------------------------
#
# A timeline row stores *what* changed (model, field, old and new value) and nothing
# translated, so that each reader sees the field names and choice labels in their own
# language. Foreign keys keep the text of the related row as it was at the time.


def snapshot(instance, fields) -> dict:
    """Return the current values of ``fields`` of ``instance``, to compare after a change."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.is_relation and field.many_to_one:
            values[name] = (getattr(instance, field.attname), _related_text(instance, field))
        else:
            values[name] = getattr(instance, name)
    return values


def field_changes(instance, before: dict) -> list[dict]:
    """Return one record per field of ``before`` whose value on ``instance`` differs."""
    label = instance._meta.label_lower
    changes = []
    for name, old in before.items():
        field = instance._meta.get_field(name)
        if field.is_relation and field.many_to_one:
            old_id, old_text = old
            new_id = getattr(instance, field.attname)
            if old_id == new_id:
                continue
            new_text = _related_text(instance, field)
            changes.append({"model": label, "field": name, "old": old_text, "new": new_text})
            continue
        new = getattr(instance, name)
        if _same(old, new):
            continue
        changes.append({"model": label, "field": name, "old": _plain(old), "new": _plain(new)})
    return changes


def _related_text(instance, field) -> str:
    if getattr(instance, field.attname) is None:
        return ""
    return str(getattr(instance, field.name))


def _same(old, new) -> bool:
    empty = (None, "", [])
    if old in empty and new in empty:
        return True
    return old == new


def _plain(value):
    import datetime
    from decimal import Decimal

    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class ChangeLine:
    """One changed field as a reader sees it: translated label, old → new."""

    label: str
    old: str
    new: str

    def __str__(self):
        return f"{self.label}: {self.old} → {self.new}"


def describe_changes(changes) -> list[ChangeLine]:
    """Render stored changes in the active language (labels, choices, dates)."""
    lines = []
    for change in changes or []:
        try:
            field = apps.get_model(change["model"])._meta.get_field(change["field"])
        except (LookupError, KeyError, FieldDoesNotExist):
            continue
        lines.append(
            ChangeLine(
                label=str(capfirst(field.verbose_name)),
                old=_shown(field, change.get("old")),
                new=_shown(field, change.get("new")),
            )
        )
    return lines


def _shown(field, value) -> str:
    if value in (None, "", []):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("Yes") if value else _("No"))
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is None:
            return str(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return f"{moment:%Y-%m-%d %H:%M}"
    if isinstance(field, models.DateField):
        day = parse_date(str(value))
        return f"{day:%Y-%m-%d}" if day else str(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value if v not in (None, ""))
    return str(value)
