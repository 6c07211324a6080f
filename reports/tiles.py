"""The KPI table: the headline figures of the dashboard tiles and of the monthly report's summary sheet.

Each tile names the KPI function that computes it (``module.function`` under
``reports.kpis``, plus an optional key into a dict result), its unit, which direction is
better, the permission a user needs to see it, and the drill-down that lists the records
behind it. The dashboard and the monthly report both read this one list, so the figures
a manager sees on screen are the figures mailed to them.
"""

from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module

from django.utils.translation import gettext_lazy as _

from .kpis import KpiFilters, Ratio, Times
from .periods import ReportPeriod

COUNT, PERCENT, HOURS, CNY, PPM = "count", "percent", "hours", "cny", "ppm"
UP, DOWN = "up", "down"


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    kpi: str  # "complaints.volumes" → reports.kpis.complaints.volumes
    part: str = ""  # key into a dict result, or "mean_hours"/"median_hours" of Times
    unit: str = COUNT
    better: str = UP
    permission: str = ""  # a user without it does not see the tile ("" = everyone with the dashboard)
    drill: str = ""  # name passed to the KPI module's drill(); "" = the tile's key

    def compute(self, period: ReportPeriod, filters: KpiFilters):
        """Return the tile's figure as a number (Decimal or int) or None when there is nothing to count."""
        module_name, function_name = self.kpi.rsplit(".", 1)
        module = import_module(f"reports.kpis.{module_name}")
        result = getattr(module, function_name)(period, filters)
        return figure(result, self.part)

    def drill_url(self, period: ReportPeriod, filters: KpiFilters) -> str | None:
        module = import_module(f"reports.kpis.{self.kpi.rsplit('.', 1)[0]}")
        drill = getattr(module, "drill", None)
        return drill(self.drill or self.key, period, filters) if drill else None

    def visible_to(self, user) -> bool:
        return not self.permission or user is None or user.has_perm(self.permission)


def figure(result, part: str = ""):
    """Reduce a KPI result to the one number a tile shows."""
    if part and isinstance(result, dict):
        result = result[part]
    if isinstance(result, Ratio):
        return result.percent
    if isinstance(result, Times):
        return getattr(result, part or "mean_hours")
    if isinstance(result, (int, Decimal)) or result is None:
        return result
    return Decimal(str(result))


def change(current, previous):
    """Return current − previous, or None when either is missing."""
    if current is None or previous is None:
        return None
    return current - previous


TILES = [
    Tile("received", _("Complaints received"), "complaints.volumes", "received", better=DOWN),
    Tile("closed", _("Complaints closed"), "complaints.volumes", "closed"),
    Tile("resolution_rate", _("Resolution rate"), "complaints.resolution_rate", unit=PERCENT),
    Tile("response_on_time", _("First response on time"), "complaints.response_on_time", unit=PERCENT),
    Tile("resolution_on_time", _("Resolved on time"), "complaints.resolution_on_time", unit=PERCENT),
    Tile(
        "resolution_hours",
        _("Mean resolution time"),
        "complaints.resolution_times",
        "mean_hours",
        unit=HOURS,
        better=DOWN,
    ),
    Tile("overdue", _("Overdue cases"), "complaints.overdue_count", better=DOWN),
    Tile("repair_timeliness", _("Repairs done within plan"), "service.repair_timeliness", unit=PERCENT),
    Tile("return_rate", _("Return rate"), "service.return_rate", unit=PERCENT, better=DOWN),
    Tile("ntf_rate", _("No trouble found"), "service.ntf_rate", unit=PERCENT, better=DOWN),
    Tile(
        "cost_per_claim",
        _("Cost per claim"),
        "warranty.claim_cost_totals",
        "per_claim",
        unit=CNY,
        better=DOWN,
        permission="servicing.view_claimcost",
    ),
    Tile(
        "capa_open",
        _("Open corrective actions"),
        "quality.capa_summary",
        "open",
        better=DOWN,
        permission="quality.view_capaaction",
    ),
    Tile(
        "capa_overdue",
        _("Overdue corrective actions"),
        "quality.capa_summary",
        "overdue",
        better=DOWN,
        permission="quality.view_capaaction",
    ),
    Tile(
        "capa_effective",
        _("Effective at first verification"),
        "quality.capa_effective_first",
        unit=PERCENT,
        permission="quality.view_capaaction",
    ),
    Tile(
        "parts_cost",
        _("Parts consumed (cost)"),
        "parts.parts_consumed",
        "cost",
        unit=CNY,
        better=DOWN,
        permission="parts.view_stockmove",
    ),
    Tile(
        "stock_alerts",
        _("Parts below minimum"),
        "parts.stock_alerts",
        "below_minimum",
        better=DOWN,
        permission="parts.view_stockmove",
    ),
    Tile("satisfaction", _("Follow-up satisfaction"), "satisfaction.satisfaction", "satisfaction_mean"),
    Tile("survey_csi", _("Satisfaction index (survey)"), "satisfaction.satisfaction", "survey_csi"),
]


def tiles_for(user) -> list[Tile]:
    return [tile for tile in TILES if tile.visible_to(user)]
