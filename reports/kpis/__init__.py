"""The KPI definitions: one documented function per figure, computed in SQL.

Each function takes ``(period: ReportPeriod, filters: KpiFilters)`` and returns an int, a
:class:`Ratio`, a :class:`Times` or a list of :class:`Row`. Modules by area:
``complaints`` (volumes, breakdowns, service levels, overdue cases), ``service`` (repair
timeliness, returns, no-trouble-found, field failure rate), ``quality`` (sheet Pareto,
CAPA), ``warranty`` (cost per claim), ``parts`` (consumption, stock alerts),
``satisfaction`` (follow-ups, survey index) and ``staff`` (scorecard figures).
"""

from .base import KpiFilters, Ratio, Row, Times, percent

__all__ = ["KpiFilters", "Ratio", "Row", "Times", "percent"]
