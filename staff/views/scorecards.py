"""Scorecard pages: a person's card with the previous period and a trend, the team side by side, print and xlsx."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.xlsx import xlsx_response

from ..access import service_staff_visible_to
from ..exports_scorecards import team_sheet
from ..periods import MONTH, QUARTER, YEAR, Period
from ..selectors.scorecards import scorecards, totals, trend

view_staff_required = permission_required("staff.view_staffprofile", raise_exception=True)

DASH = "—"
# (key, label) of each figure, in the order the card, the team table and the print show them.
FIGURES = [
    ("handled", gettext_lazy("Cases handled")),
    ("closed", gettext_lazy("Closed")),
    ("response", gettext_lazy("Response on time (%)")),
    ("resolution", gettext_lazy("Resolution on time (%)")),
    ("mean_hours", gettext_lazy("Mean resolution time (working hours)")),
    ("repeats", gettext_lazy("Repeat complaints")),
    ("visits", gettext_lazy("Visits done on plan")),
    ("follow_up", gettext_lazy("Follow-up satisfaction (1–5)")),
    ("attitude", gettext_lazy("Survey attitude (1–5, higher is better)")),
    ("hearts", gettext_lazy("Six-hearts score")),
    ("training", gettext_lazy("Training hours")),
    ("exams", gettext_lazy("Exams: taken, passed, mean score")),
]


def _or_dash(value) -> str:
    return DASH if value is None else str(value)


def _share(percent, part, whole) -> str:
    return DASH if percent is None else f"{percent} ({part}/{whole})"


def _mean(mean, count) -> str:
    return DASH if mean is None else f"{mean} (n={count})"


def cells(row) -> list[str]:
    """Return the row's figures as the pages show them, a dash where nothing was counted."""
    return [
        str(row.handled),
        str(row.closed),
        _share(row.response_percent, row.response_on_time, row.response_counted),
        _share(row.resolution_percent, row.resolution_on_time, row.resolution_counted),
        _or_dash(row.mean_resolution_hours),
        str(row.repeats),
        DASH if not row.visits_planned else f"{row.visits_done}/{row.visits_planned} ({row.visits_percent})",
        _mean(row.follow_up_mean, row.follow_up_calls),
        _mean(row.attitude_mean, row.attitude_responses),
        _or_dash(row.hearts_score),
        str(row.training_hours),
        DASH if not row.exams_taken else f"{row.exams_taken}, {row.exams_passed}, {row.exam_mean}",
    ]


def period_from(request) -> Period:
    """Return the period asked for in ``?period=``, or last month; a wrong one is said and replaced."""
    text = request.GET.get("period", "").strip()
    if text:
        try:
            return Period.parse(text)
        except ValueError as error:
            messages.error(request, str(error))
    return Period.last_completed(MONTH)


def _picker(period: Period) -> dict:
    return {
        "period": period,
        "previous": period.previous(),
        "next": period.next(),
        "kinds": [
            (Period.of(MONTH, period.start), _("Month")),
            (Period.of(QUARTER, period.start), _("Quarter")),
            (Period.of(YEAR, period.start), _("Year")),
        ],
    }


def _person(user, person_pk):
    person = service_staff_visible_to(user).filter(pk=person_pk).first()
    if person is None:
        raise Http404
    return person


def _card_context(request, person_pk) -> dict:
    person = _person(request.user, person_pk)
    period = period_from(request)
    series = trend(user=request.user, person=person, period=period)
    columns = [cells(row) for _period, row in series]  # oldest first; the last is the period shown
    rows = [
        (label, columns[-1][index], columns[-2][index], [column[index] for column in columns])
        for index, (_key, label) in enumerate(FIGURES)
    ]
    return {
        "person": person,
        **_picker(period),
        "figures": rows,
        "trend_periods": [each for each, _row in series],
        "company_name": settings.COMPANY_NAME,
    }


def _team_context(request) -> dict:
    period = period_from(request)
    rows = scorecards(user=request.user, period=period)
    return {
        **_picker(period),
        "labels": [label for _key, label in FIGURES],
        "rows": [(row.person, cells(row)) for row in rows],
        "total": cells(totals(rows)) if rows else None,
        "company_name": settings.COMPANY_NAME,
    }


@login_required
@view_staff_required
def scorecard(request, person_pk):
    return render(request, "staff/scorecard_person.html", _card_context(request, person_pk))


@login_required
@view_staff_required
def scorecard_print(request, person_pk):
    return render(request, "staff/scorecard_person_print.html", _card_context(request, person_pk))


@login_required
@view_staff_required
def team_scorecard(request):
    return render(request, "staff/scorecard_team.html", _team_context(request))


@login_required
@view_staff_required
def team_scorecard_print(request):
    return render(request, "staff/scorecard_team_print.html", _team_context(request))


@login_required
@view_staff_required
def team_scorecard_xlsx(request):
    period = period_from(request)
    rows = scorecards(user=request.user, period=period)
    return xlsx_response(f"scorecards-{period.code}.xlsx", [team_sheet(rows, period)])
