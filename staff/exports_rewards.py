"""Rewards and penalties as xlsx: the rows and the totals per person, scoped to the user."""

from django.utils.translation import gettext as _

from aftersales.xlsx import Sheet

from .selectors import rewards as selectors


def reward_sheets(user, period, person=None) -> list[Sheet]:
    totals = selectors.reward_totals(user=user, period=period, person=person)
    names = {p.pk: str(p) for p in totals}
    rows = selectors.reward_rows(user=user, period=period, person=person, limit=None)
    entry_rows = (
        (
            r.day,
            names.get(r.person_id, ""),
            r.kind_label,
            r.category_label,
            r.measure_label,
            r.value,
            r.number,
            _("Manual entry") if r.is_manual else _("Quality sheet"),
            r.reason,
        )
        for r in rows
    )
    total_rows = [
        (str(p), p.reward_points, p.reward_amount, p.penalty_points, p.penalty_amount, p.net_points) for p in totals
    ]
    overall = selectors.overall(totals)
    total_rows.append((_("Total"), *(overall[name] for name in selectors.FIGURES)))
    return [
        Sheet(
            _("Entries %(period)s") % {"period": period.code},
            [
                _("Date"),
                _("Person"),
                _("Type"),
                _("Category"),
                _("Measured in"),
                _("Points or amount"),
                _("Number"),
                _("Source"),
                _("Reason"),
            ],
            entry_rows,
            widths=(12, 12, 8, 14, 12, 10, 16, 12, 50),
        ),
        Sheet(
            _("Totals"),
            [
                _("Person"),
                _("Reward points"),
                _("Reward amount (CNY)"),
                _("Penalty points"),
                _("Penalty amount (CNY)"),
                _("Net points"),
            ],
            total_rows,
            widths=(14, 12, 16, 12, 16, 10),
        ),
    ]
