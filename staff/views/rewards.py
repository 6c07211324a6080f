"""Rewards and penalties pages: the list with totals, one person's, record, detail, void, xlsx."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from aftersales.xlsx import xlsx_response

from ..access import can_see_person
from ..exports_rewards import reward_sheets
from ..forms_rewards import ListFilterForm, RewardForm, VoidForm
from ..periods import QUARTER, Period
from ..selectors import rewards as selectors
from ..services import rewards as services

view_required = permission_required("staff.view_rewardpenalty", raise_exception=True)


def _period(request) -> Period:
    text = request.GET.get("period", "").strip()
    if text:
        try:
            return Period.parse(text)
        except ValueError as error:
            messages.warning(request, str(error))
    return Period.of(QUARTER, timezone.localdate())


def _form_errors(form, error: ValidationError, skip=()) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            if field not in skip:
                form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _listing(request, *, person=None) -> dict:
    period = _period(request)
    after = request.GET.get("after") or None
    rows = selectors.reward_rows(user=request.user, period=period, person=person, after=after)
    more = len(rows) > selectors.PAGE_SIZE
    rows = rows[: selectors.PAGE_SIZE]
    totals = selectors.reward_totals(user=request.user, period=period, person=person)
    names = {p.pk: p for p in totals}
    for row in rows:
        row.person = names.get(row.person_id)
    query = {"period": period.code}
    if person is not None and request.resolver_match.url_name == "reward_list":
        query["person"] = person.pk
    return {
        "period": period,
        "rows": rows,
        "totals": totals,
        "overall": selectors.overall(totals),
        "query": urlencode(query),
        "next_query": urlencode({**query, "after": rows[-1].cursor}) if more else "",
        "paged": bool(after),
        "previous_period": period.previous(),
        "next_period": period.next(),
        "may_record": request.user.has_perm("staff.add_rewardpenalty"),
    }


@login_required
@view_required
def reward_list(request):
    form = ListFilterForm(request.GET or None, user=request.user)
    person = form.cleaned_data.get("person") if form.is_valid() else None
    context = _listing(request, person=person)
    context["form"] = form
    return render(request, "staff/rewards_list.html", context)


@login_required
@view_required
def reward_person(request, person_pk):
    person = get_object_or_404(get_user_model(), pk=person_pk)
    if not can_see_person(request.user, person):
        raise PermissionDenied
    context = _listing(request, person=person)
    context["person"] = person
    context["may_record_for"] = services.may_record_for(request.user, person)
    return render(request, "staff/rewards_person.html", context)


@login_required
@permission_required("staff.add_rewardpenalty", raise_exception=True)
def reward_create(request):
    initial = {"occurred_on": timezone.localdate(), "person": request.GET.get("person")}
    form = RewardForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        valid = form.is_valid()
        data = form.cleaned_data
        fields = {name: data.get(name) for name in ("kind", "category", "measure", "occurred_on", "reason")}
        fields["value"] = data.get("value") or 0
        try:
            if not valid:
                services.reward_check(**fields)  # the service's errors too, all at once
            else:
                entry = services.reward_record(
                    actor=request.user, person=data["person"], complaint=data.get("complaint"), **fields
                )
        except ValidationError as error:
            _form_errors(form, error, skip=form.errors.keys())
        else:
            if valid:
                message = _("Entry %(number)s recorded; the person is told by e-mail.") % {"number": entry.number}
                messages.success(request, message)
                return redirect("staff:reward_detail", entry.number)
    return render(request, "staff/rewards_form.html", {"form": form}, status=422 if form.errors else 200)


def _entry(request, number):
    entry = selectors.reward_visible_entries(request.user).filter(number=number).first()
    if entry is None:
        raise Http404
    return entry


@login_required
@view_required
def reward_detail(request, number):
    entry = _entry(request, number)
    context = {"entry": entry, "may_void": entry.voided_at is None and services.may_void(request.user, entry)}
    return render(request, "staff/rewards_detail.html", context)


@login_required
@view_required
def reward_void(request, number):
    entry = _entry(request, number)
    if not services.may_void(request.user, entry):
        raise PermissionDenied
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reward_void(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Entry %(number)s voided.") % {"number": entry.number})
            return redirect("staff:reward_detail", entry.number)
    context = {"entry": entry, "form": form}
    return render(request, "staff/rewards_void.html", context, status=422 if form.errors else 200)


@login_required
@permission_required("staff.export_rewardpenalty", raise_exception=True)
def reward_export(request):
    period = _period(request)
    person = None
    if request.GET.get("person"):
        person = (
            get_user_model().objects.filter(pk=request.GET["person"]).first()
            if request.GET["person"].isdigit()
            else None
        )
        if person is None or not can_see_person(request.user, person):
            raise PermissionDenied
    return xlsx_response(f"rewards-{period.code}.xlsx", reward_sheets(request.user, period, person))
