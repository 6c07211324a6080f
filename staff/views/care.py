"""Customer care pages: the greetings due to a salesperson, marking one done, the festival list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms_care import FestivalForm, GreetingDoneForm, SeedForm
from ..models import Festival, Greeting
from ..selectors import care as selectors
from ..services import care as services

SHOWN = 200


@login_required
@permission_required("staff.view_greeting", raise_exception=True)
def greeting_list(request):
    people = list(selectors.greeting_people(request.user))
    person = request.user
    wanted = request.GET.get("person", "")
    if wanted.isdigit():
        person = next((p for p in people if p.pk == int(wanted)), None)
        if person is None:
            raise PermissionDenied
    outcome = request.GET.get("outcome", Greeting.Outcome.DUE)
    if outcome not in Greeting.Outcome.values:
        outcome = Greeting.Outcome.DUE
    greetings = list(selectors.greetings_of(user=request.user, person=person, outcome=outcome)[: SHOWN + 1])
    context = {
        "people": people if len(people) > 1 else [],
        "person": person,
        "outcome": outcome,
        # "Due" alone reads as a due date in Chinese (截止日期); the filter says what is meant.
        "outcomes": [
            (value, _("To greet") if value == Greeting.Outcome.DUE else label)
            for value, label in Greeting.Outcome.choices
        ],
        "greetings": greetings[:SHOWN],
        "more": len(greetings) > SHOWN,
        "birthdays": selectors.upcoming_birthdays(person=person),
        "form": GreetingDoneForm(),
        "may_mark": request.user.has_perm("staff.change_greeting"),
        "today": timezone.localdate(),
    }
    return render(request, "staff/care_greetings.html", context)


@login_required
@require_POST
@permission_required("staff.change_greeting", raise_exception=True)
def greeting_done(request, pk):
    greeting = get_object_or_404(Greeting.objects.select_related("salesperson", "contact"), pk=pk)
    if not services.may_mark(request.user, greeting):
        raise Http404
    form = GreetingDoneForm(request.POST)
    if form.is_valid():
        try:
            services.greeting_done(actor=request.user, greeting=greeting, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Greeting to %(name)s marked.") % {"name": greeting.contact.name})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    suffix = f"?person={greeting.salesperson_id}" if greeting.salesperson_id != request.user.pk else ""
    return redirect(reverse("staff:greeting_list") + suffix)


@login_required
@permission_required("staff.view_festival", raise_exception=True)
def festival_list(request):
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    seed_form = SeedForm(request.POST or None, initial={"year": year})
    if request.method == "POST":
        if not request.user.has_perm("staff.add_festival"):
            raise PermissionDenied
        if seed_form.is_valid():
            year = seed_form.cleaned_data["year"]
            added = services.festival_seed_year(year)
            messages.success(request, _("%(n)s festivals loaded for %(year)s.") % {"n": added, "year": year})
            return redirect(f"{request.path}?year={year}")
    context = {
        "year": year,
        "festivals": selectors.festival_list(year=year),
        "seed_form": seed_form,
        "may_edit": request.user.has_perm("staff.change_festival"),
        "may_add": request.user.has_perm("staff.add_festival"),
    }
    return render(request, "staff/care_festivals.html", context)


def _festival_form(request, festival=None):
    form = FestivalForm(request.POST or None, instance=festival)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.festival_save(actor=request.user, festival=festival, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Festival saved."))
            return redirect(reverse("staff:festival_list") + f"?year={saved.date.year}")
    context = {"form": form, "festival": festival}
    return render(request, "staff/care_festival_form.html", context, status=422 if form.errors else 200)


@login_required
@permission_required("staff.add_festival", raise_exception=True)
def festival_create(request):
    return _festival_form(request)


@login_required
@permission_required("staff.change_festival", raise_exception=True)
def festival_edit(request, pk):
    return _festival_form(request, get_object_or_404(Festival, pk=pk))
