"""Import of counted quantities into count sheets, through the all-or-nothing spreadsheet import.

Each row names the count sheet and the part code, as the count's own page lists them; a row
is matched to that line of that sheet. A sheet that is not being counted, a part that is not
on it, or a keeper of another warehouse stops the whole file and nothing is written.
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales import cells
from aftersales.importing import Column, Importer, RecordRefused, register

from . import services
from .models import StockCount, StockCountLine
from .models.counts import is_keeper


@register
class CountImporter(Importer):
    kind = "parts.stockcount"
    title = gettext_lazy("Counted quantities of a stock count")
    permission = "parts.add_stockcount"
    unique_in_file = ("count", "part")

    def get_columns(self):
        return [
            Column(
                "count",
                gettext_lazy("Count no."),
                lambda value: cells.code(value, max_length=20),
                required=True,
                synonyms=("盘点单号", "盘点单", "count", "count number"),
                help=gettext_lazy("The number of a count sheet being counted, e.g. PD-202612-0001."),
                example="PD-202612-0001",
            ),
            Column(
                "part",
                gettext_lazy("Part code"),
                lambda value: cells.code(value, max_length=40),
                required=True,
                synonyms=("配件编码", "配件代码", "编码", "part", "code"),
                help=gettext_lazy("A part listed on that count sheet."),
            ),
            Column(
                "counted",
                gettext_lazy("Counted quantity"),
                lambda value: cells.integer(value, minimum=0, maximum=10_000_000),
                required=True,
                synonyms=("实盘数量", "盘点数量", "实盘数", "counted"),
                help=gettext_lazy("A whole number, zero or more."),
                width=10,
            ),
            Column(
                "reason",
                gettext_lazy("Reason for the variance"),
                lambda value: cells.text(value, max_length=200),
                synonyms=("差异原因", "原因", "reason"),
                width=30,
            ),
        ]

    def check_batch(self, records):
        numbers = {r.data["count"] for r in records if r.data.get("count")}
        counts = {c.number: c for c in StockCount.objects.filter(number__in=numbers).select_related("warehouse")}
        lines = {
            (line.count.number, line.part.code.upper()): line
            for line in StockCountLine.objects.filter(count__number__in=numbers).select_related("count", "part")
        }
        for record in records:
            if record.problems:
                continue
            count = counts.get(record.data["count"])
            if self._count_problem(record, count):
                continue
            line = lines.get((count.number, record.data["part"]))
            if line is None:
                record.problem(
                    "part",
                    _("Part %(code)s is not on count %(number)s.")
                    % {"code": record.data["part"], "number": count.number},
                )
                continue
            record.extra = {"count": count, "line": line}
            record.action = "update"

    def _count_problem(self, record, count) -> bool:
        if count is None or not count.warehouse or not is_keeper(self.user, count.warehouse):
            record.problem(
                "count", _("No count sheet you keep has the number “%(number)s”.") % {"number": record.data["count"]}
            )
            return True
        if count.state != StockCount.State.COUNTING:
            record.problem(
                "count",
                _("Count %(number)s is %(state)s: its quantities cannot change now.")
                % {"number": count.number, "state": count.get_state_display()},
            )
            return True
        return False

    def write_batch(self, records, log):
        by_count = defaultdict(list)
        for record in records:
            by_count[record.extra["count"].pk].append(record)
        for group in by_count.values():
            count = group[0].extra["count"]
            entries = {r.extra["line"].pk: (r.data["counted"], r.data.get("reason", "")) for r in group}
            try:
                services.count_record(actor=self.user, count=count, entries=entries, imported=True)
            except (ValidationError, PermissionDenied) as error:
                error = error if isinstance(error, ValidationError) else ValidationError(str(error) or "denied")
                raise RecordRefused(group[0], error) from None
            for record in group:
                record.instance = record.extra["line"]
            log.add(count, added=False, fields=["lines"])
