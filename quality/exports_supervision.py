"""The supervision checks as an xlsx sheet: one row per check the list's filters select, totals as numbers."""

from django.db.models import Count
from django.utils.translation import gettext as _

from aftersales.xlsx import Sheet

from . import selectors_supervision as selectors


def _rows(checks):
    for check in checks:
        yield [
            check.number,
            check.checked_on,
            check.unit.code,
            check.unit.name,
            check.get_kind_display(),
            f"{check.period:%Y-%m}",
            str(check.checker),
            check.other_checkers,
            check.total_score,
            check.max_score,
            check.get_state_display(),
            check.finding_count,
            check.notice_count,
            check.meeting_held_on,
        ]


def checks_sheet(*, user, filters) -> Sheet:
    """Return the checks ``user`` may read that match ``filters``, read in chunks as the file is written."""
    checks = selectors.check_list(user=user, filters=filters).annotate(
        finding_count=Count("findings", distinct=True), notice_count=Count("findings__notice", distinct=True)
    )
    return Sheet(
        title=_("Supervision checks"),
        headers=[
            _("Number"),
            _("Checked on"),
            _("Code"),
            _("Unit checked"),
            _("Type"),
            _("Month checked"),
            _("Checker"),
            _("Checked with"),
            _("Score"),
            _("Maximum score"),
            _("State"),
            _("Findings"),
            _("Rectification notices"),
            _("Analysis meeting"),
        ],
        rows=_rows(checks.iterator(chunk_size=500)),
        widths=[18, 12, 12, 20, 16, 10, 12, 16, 8, 8, 10, 10, 12, 14],
    )
