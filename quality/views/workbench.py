"""The quality workbench: counts by stage, the user's own work, sheets and actions overdue first."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.keyset import query_without_page

from .. import selectors
from ..models import CapaAction, QualitySheet
from ..sight import mask_sheets
from .common import quality_view_required

ACTIONS_PAGE = "apage"


def _counted(choices, counts) -> list[tuple[str, str, int]]:
    return [(value, label, counts[value]) for value, label in choices]


def _sheet_sections(mine) -> list[tuple[str, str, list]]:
    return [
        ("to-assign", _("Sheets waiting for an investigator"), mine.to_assign),
        ("investigating", _("Sheets I investigate"), mine.investigating),
        ("to-review", _("Analyses to review"), mine.to_review),
        ("to-sign", _("Sheets awaiting my signature"), mine.to_sign),
        ("to-distribute", _("Approved sheets to distribute"), mine.to_distribute),
        ("to-complete", _("Distributed sheets: assessment, actions or closing"), mine.to_complete),
    ]


@login_required
@quality_view_required
def workbench(request):
    user, today = request.user, timezone.localdate()
    sees_sheets = user.has_perm("quality.view_qualitysheet")
    sees_actions = user.has_perm("quality.view_capaaction")
    context = {"today": today, "sees_sheets": sees_sheets, "sees_actions": sees_actions}
    if sees_sheets:
        sheet_filter, sheets = selectors.sheet_list(filters=request.GET, user=request.user)
        page = selectors.paginate(sheets, request.GET)
        page.object_list = mask_sheets(page.object_list, user)
        context.update(
            filter=sheet_filter,
            page=page,
            query=query_without_page(request),
        )
        if request.htmx:
            return render(request, "quality/_sheet_table.html", context)
        counts = selectors.sheet_counts(today, user=user)
        context.update(sheet_counts=_counted(QualitySheet.State.choices, counts), sheets_overdue=counts["overdue"])
    if sees_actions:
        counts = selectors.capa_counts(today, user=user)
        open_actions = CapaAction.objects.filter(state__in=[CapaAction.State.OPEN, CapaAction.State.COMPLETED])
        _filter, actions = selectors.capa_list(filters={}, queryset=open_actions, user=user)
        context.update(
            capa_counts=_counted(CapaAction.State.choices, counts),
            actions_overdue=counts["overdue"],
            action_page=selectors.paginate(actions, request.GET, page_param=ACTIONS_PAGE),
            action_query=query_without_page(request, ACTIONS_PAGE),
        )
    mine = selectors.my_tasks(user=user, today=today)
    context.update(mine=mine, sheet_sections=_sheet_sections(mine))
    return render(request, "quality/workbench.html", context)
