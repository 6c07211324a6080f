from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .home import cards_for
from .importing import importers_for

# Those who have complaint work waiting for them: handlers, approvers, and sales staff
# who answer and close their customers' complaints.
COMPLAINT_WORK_PERMS = (
    "complaints.handle_complaint",
    "complaints.approve_complaint",
    "complaints.approve_major_complaint",
    "complaints.close_complaint",
)


@login_required
def home(request):
    """Show the user's start page: their roles, the work areas they may open and their queue."""
    context = {}
    user = request.user
    if user.has_perm("complaints.view_complaint") and any(user.has_perm(p) for p in COMPLAINT_WORK_PERMS):
        # The start page looks across apps, like the URLconf; the import stays local to it.
        from complaints.selectors import my_work_counts

        context["work_counts"] = my_work_counts(user=user)
    context["waiting_imports"] = _waiting_imports(user)
    context["may_import"] = bool(importers_for(user))
    context["cards"] = cards_for(request)
    return render(request, "home.html", context)


def _waiting_imports(user):
    """The user's imports that wait on them: checked (to confirm) or with problems (to fix)."""
    from .models import SpreadsheetJob

    Status = SpreadsheetJob.Status
    return list(
        SpreadsheetJob.objects.filter(
            created_by=user,
            direction=SpreadsheetJob.Direction.IMPORT,
            status__in=(Status.CHECKED, Status.QUEUED, Status.CHECKING, Status.WRITING),
        ).order_by("-pk")[:10]
    )


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Answer browsers that ask for /favicon.ico on their own, signed in or not."""
    return redirect(static("favicon.ico"), permanent=True)
