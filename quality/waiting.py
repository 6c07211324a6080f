"""What the records of the quality chain wait for, and the step a company-caused complaint waits for.

:func:`complaint_steps` is registered with ``complaints.waiting`` (see ``apps.py``): a
company-caused complaint without a sheet waits for the quality group leader to raise one;
with a sheet, it waits for whatever that sheet waits for.
"""

from dataclasses import replace

from django.db.models import Prefetch
from django.utils.translation import gettext

from aftersales import roles
from aftersales.waiting import Directory, Owed
from complaints.models.complaint import RAISE_SHEET

from .models import CapaAction, QualitySheet, SheetComplaint


def prefetch_waiting(sheets):
    """Return ``sheets`` with what :meth:`QualitySheet.waiting_on` reads, three queries in all."""
    return sheets.select_related("customer").prefetch_related(
        "tasks", "assessments", Prefetch("capa_actions", queryset=CapaAction.objects.order_by("created_at", "id"))
    )


def raise_sheet_step() -> Owed:
    return Owed(gettext("raise a quality information sheet"), roles.QUALITY_LEADER, code=RAISE_SHEET)


def complaint_steps(complaints: list) -> dict[int, list[Owed]]:
    """Return, per complaint id, the quality step each company-caused complaint waits for."""
    links = SheetComplaint.objects.filter(complaint__in=[c.pk for c in complaints]).prefetch_related(
        Prefetch("sheet", queryset=prefetch_waiting(QualitySheet.objects.all()))
    )
    sheets = {link.complaint_id: link.sheet for link in links}
    steps = {}
    for complaint in complaints:
        sheet = sheets.get(complaint.pk)
        if sheet is None:
            steps[complaint.pk] = [raise_sheet_step()]
        else:
            owed = [replace(item, record=item.record or sheet.number) for item in sheet.waiting_on()]
            steps[complaint.pk] = owed or [
                Owed(
                    gettext("approve the disposal of the reopened complaint"), roles.QUALITY_LEADER, record=sheet.number
                )
            ]
    return steps


def describe(owed: list[Owed], directory: Directory | None = None) -> list[str]:
    """Return the lines "who to do what" of a record page."""
    directory = directory or Directory()
    return [directory.describe(item) for item in owed]
