"""Sheets and tasks in a given stage, built for the workflow tests (through factories, never transitions)."""

import datetime

from django.utils import timezone

from quality.models import CapaAction, DepartmentTask, QualitySheet

from .factories import AssessmentFactory, CapaActionFactory, DepartmentTaskFactory, QualitySheetFactory


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def sheet_at(people, state, **kwargs):
    """Return a sheet in ``state`` investigated by a quality engineer who holds no role user's name."""
    kwargs.setdefault("investigator", people.other_engineer)
    return QualitySheetFactory(state=state, **kwargs)


def task_at(people, state):
    """Return a department task of the production head on an approved sheet in ``state``."""
    return DepartmentTaskFactory(sheet=sheet_at(people, state, approved=True), owner=people.owner)


def ready_to_close(people, state):
    """Return a sheet with every task done, an assessment and its action verified effective."""
    sheet = sheet_at(people, state, approved=True)
    DepartmentTaskFactory(sheet=sheet, owner=people.owner, acknowledged_at=timezone.now(), done_at=timezone.now())
    AssessmentFactory(sheet=sheet)
    CapaActionFactory(sheet=sheet, state=CapaAction.State.CLOSED)
    return sheet


def task_rows(people, due_in=10):
    """Return the distribution's task list: one department, due in ``due_in`` days."""
    return [
        {"department": "生产部", "owner": people.owner, "requirement": "复检同批次库存", "due_date": in_days(due_in)}
    ]


def reloaded(target) -> QualitySheet:
    """Return the sheet of ``target`` (a sheet or a department task) as stored now."""
    sheet = target.sheet if isinstance(target, DepartmentTask) else target
    sheet.refresh_from_db()
    return sheet
