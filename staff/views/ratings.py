"""Pages of the six-hearts rating: the team's ratings, signing, a rating, correcting, acknowledging, history."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.keyset import paginate
from aftersales.waiting import Directory, Owed

from ..access import can_rate, people_visible_to
from ..forms_ratings import AcknowledgeForm, CorrectionForm, RatingForm, add_service_errors
from ..hearts import CUSTOMER_WEIGHT, HEART_FIELDS, HEARTS, MANAGER_WEIGHT
from ..periods import MONTH, QUARTER, Period
from ..selectors import ratings as selectors
from ..services import ratings as services

view_required = permission_required("staff.view_sixheartsrating", raise_exception=True)


def blend_rule() -> str:
    return _(
        "Overall score = six-hearts mean × %(manager)s%% + customer's view × %(customer)s%%; "
        "without follow-up calls in the period it is the six-hearts mean."
    ) % {"manager": round(MANAGER_WEIGHT * 100), "customer": round(CUSTOMER_WEIGHT * 100)}


def _period(request) -> tuple[Period, str]:
    """Return the period asked for (default: the last completed month) and an error to show, if any."""
    text = request.GET.get("period", "").strip()
    if text:
        try:
            period = Period.parse(text)
            if period.kind in (MONTH, QUARTER):
                return period, ""
        except ValueError:
            pass
        return Period.last_completed(MONTH), _("Choose a month (2026-11) or a quarter (2026-Q4).")
    return Period.last_completed(MONTH), ""


def _period_choices(current: Period) -> list[Period]:
    """The last twelve months and the last four quarters, newest first, with the current period if older."""
    month = Period.last_completed(MONTH).next()
    months = []
    for _index in range(12):
        months.append(month)
        month = month.previous()
    quarter = Period.last_completed(QUARTER).next()
    quarters = []
    for _index in range(4):
        quarters.append(quarter)
        quarter = quarter.previous()
    choices = months + quarters
    if current not in choices:
        choices.insert(0, current)
    return choices


@login_required
@view_required
def rating_list(request):
    period, error = _period(request)
    rows = selectors.team_ratings(request.user, period)
    context = {
        "period": period,
        "period_error": error,
        "periods": _period_choices(period),
        "rows": rows,
        "hearts": HEARTS,
        "heart_fields": HEART_FIELDS,
    }
    return render(request, "staff/ratings_list.html", context)


def _customer_view(person, period):
    attitude, calls = selectors.customer_attitude(person, period)
    return {"attitude": attitude, "calls": calls, "rule": blend_rule()}


@login_required
@view_required
def rating_create(request):
    try:
        person = people_visible_to(request.user).get(pk=int(request.GET.get("person", "")))
    except (ValueError, TypeError, get_user_model().DoesNotExist):
        raise Http404 from None
    if not can_rate(request.user, person):
        raise PermissionDenied
    initial_period = request.GET.get("period") or Period.last_completed(MONTH).code
    form = RatingForm(request.POST or None, initial={"period": initial_period})
    if request.method == "POST" and form.is_valid():
        try:
            rating = services.rating_sign(
                actor=request.user,
                person=person,
                period=form.cleaned_data["period"],
                scores=form.scores(),
                remarks=form.cleaned_data["remarks"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The rating is signed; %(person)s is asked to acknowledge it.") % {"person": person}
            )
            return redirect("staff:rating_detail", pk=rating.pk)
    try:
        shown_period = Period.parse(form.data.get("period") if form.is_bound else initial_period)
        if shown_period.kind not in (MONTH, QUARTER):
            raise ValueError
    except ValueError:
        shown_period = None
    context = {
        "person": person,
        "form": form,
        "period": shown_period,
        "customer": _customer_view(person, shown_period) if shown_period else None,
    }
    return render(request, "staff/ratings_form.html", context)


def _rating(request, pk):
    rating = selectors.rating_visible(request.user, pk)
    if rating is None:
        raise Http404
    return rating


def _waiting(rating) -> list[str]:
    if rating.acknowledged_at is not None:
        return []
    directory = Directory()
    return [directory.describe(Owed(step=_("acknowledge the rating"), people=(rating.person,)))]


@login_required
@view_required
def rating_detail(request, pk):
    rating = _rating(request, pk)
    corrections = list(rating.corrections.select_related("corrected_by").order_by("corrected_at", "id"))
    labels = {field: label for field, label, _meaning in HEARTS}
    for correction in corrections:
        previous = correction.previous or {}
        correction.previous_hearts = [(labels[f], previous.get(f)) for f in HEART_FIELDS]
    context = {
        "rating": rating,
        "period": selectors.period_of(rating),
        "corrections": corrections,
        "waiting": _waiting(rating),
        "may_correct": can_rate(request.user, rating.person),
        "may_acknowledge": rating.person_id == request.user.pk and rating.acknowledged_at is None,
        "acknowledge_form": AcknowledgeForm(),
        "rule": blend_rule(),
    }
    return render(request, "staff/ratings_detail.html", context)


@login_required
@view_required
def rating_correct(request, pk):
    rating = _rating(request, pk)
    if not can_rate(request.user, rating.person):
        raise PermissionDenied
    initial = {field: getattr(rating, field) for field in HEART_FIELDS}
    initial["remarks"] = rating.remarks
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_correct(
                actor=request.user,
                rating=rating,
                scores=form.scores(),
                remarks=form.cleaned_data["remarks"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The rating is corrected; the old values and the reason are kept."))
            return redirect("staff:rating_detail", pk=rating.pk)
    period = selectors.period_of(rating)
    context = {
        "rating": rating,
        "person": rating.person,
        "form": form,
        "period": period,
        "customer": _customer_view(rating.person, period),
    }
    return render(request, "staff/ratings_correct.html", context)


@login_required
@view_required
@require_POST
def rating_acknowledge(request, pk):
    rating = _rating(request, pk)
    if rating.person_id != request.user.pk:
        raise PermissionDenied
    form = AcknowledgeForm(request.POST)
    form.is_valid()
    try:
        services.rating_acknowledge(actor=request.user, rating=rating, comment=form.cleaned_data.get("comment", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You have acknowledged the rating."))
    return redirect("staff:rating_detail", pk=rating.pk)


@login_required
@view_required
def rating_history(request, person_pk):
    person = get_object_or_404(people_visible_to(request.user), pk=person_pk)
    page = paginate(selectors.person_history(request.user, person), request.GET)
    context = {"person": person, "page": page, "base_url": request.path}
    return render(request, "staff/ratings_history.html", context)
