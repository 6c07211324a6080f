"""The team scorecard as an xlsx sheet: one row per person, every figure a number (empty where nothing counted)."""

from django.utils.translation import gettext as _

from aftersales.xlsx import Sheet


def _headers() -> list:
    return [
        _("Person"),
        _("Username"),
        _("Cases handled"),
        _("Closed"),
        _("First responses on time"),
        _("First responses counted"),
        _("Response on time (%)"),
        _("Resolutions on time"),
        _("Resolutions counted"),
        _("Resolution on time (%)"),
        _("Mean resolution time (working hours)"),
        _("Repeat complaints"),
        _("Plan visits done on time"),
        _("Plan visits"),
        _("Visits done on plan (%)"),
        _("Follow-up satisfaction (1–5)"),
        _("Follow-up calls"),
        _("Survey attitude (1–5, higher is better)"),
        _("Survey responses"),
        _("Six-hearts score"),
        _("Training hours"),
        _("Exams taken"),
        _("Exams passed"),
        _("Mean exam score"),
    ]


def _values(row) -> list:
    return [
        row.handled,
        row.closed,
        row.response_on_time,
        row.response_counted,
        row.response_percent,
        row.resolution_on_time,
        row.resolution_counted,
        row.resolution_percent,
        row.mean_resolution_hours,
        row.repeats,
        row.visits_done,
        row.visits_planned,
        row.visits_percent,
        row.follow_up_mean,
        row.follow_up_calls,
        row.attitude_mean,
        row.attitude_responses,
        row.hearts_score,
        row.training_hours,
        row.exams_taken,
        row.exams_passed,
        row.exam_mean,
    ]


def team_sheet(rows, period) -> Sheet:
    """Return the sheet of the rows the user sees (the selector scoped them) for ``period``."""
    lines = [[row.person.get_full_name() or row.person.username, row.person.username, *_values(row)] for row in rows]
    return Sheet(title=_("Scorecards %(period)s") % {"period": period.code}, headers=_headers(), rows=lines)
