"""The corrective actions and rectification notices a user owns, on their "my work" page.

The quality workbench lists them for the quality group; an owner outside it (a unit head
given a rectification notice, a department head given an action) finds them here too.
"""

from django.utils import timezone

SHOWN = 20


def work_context(request):
    from .models import CapaAction
    from .selectors import owner_part_waiting, with_capa_due

    user = request.user
    if not user.is_authenticated:
        return None
    today = timezone.localdate()
    actions = list(with_capa_due(CapaAction.objects.filter(owner_part_waiting(user)), today)[: SHOWN + 1])
    if not actions:
        return None
    return {"actions": actions[:SHOWN], "more": len(actions) > SHOWN, "today": today}


def register() -> None:
    from complaints.work import register_work_section

    register_work_section("quality/capa_work.html", work_context, order=65, permission="quality.view_capaaction")
