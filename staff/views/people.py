"""The service staff a user may see, and one person's page with links to their records."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..access import people_visible_to, service_staff_visible_to
from ..models import StaffProfile
from .scorecards import view_staff_required


@login_required
@view_staff_required
def people(request):
    staff = list(service_staff_visible_to(request.user).select_related("staff_profile__supervisor"))
    return render(request, "staff/people_list.html", {"people": staff})


@login_required
@view_staff_required
def person(request, person_pk):
    found = people_visible_to(request.user).filter(pk=person_pk, staff_profile__isnull=False)
    found = found.select_related("staff_profile__supervisor").first()
    if found is None:
        raise Http404
    links = [
        (name, reverse(f"staff:{name}", kwargs={"person_pk": found.pk}))
        for name in ("scorecard", "rating_history", "training_history", "reward_person")
    ]
    return render(
        request, "staff/people_detail.html", {"person": found, "profile": found.staff_profile, "links": links}
    )


@login_required
def me(request):
    """Lead to the signed-in user's own page (the menu's "My records": one address for everyone).

    Someone without a staff profile (a warehouse keeper, the general manager) has no records
    here: they are told so on the service staff list instead of meeting a "not found" page.
    """
    if StaffProfile.objects.filter(user=request.user).exists():
        return redirect("staff:person", person_pk=request.user.pk)
    messages.info(request, _("You have no service staff profile, so there are no staff records of yours."))
    return redirect("staff:people")
