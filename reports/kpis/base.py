"""The shapes every KPI function returns, and the filters every one of them takes.

A KPI is a documented function ``kpi(period, filters) -> value`` computed in SQL (aggregates
and GROUP BY, never a Python loop over rows). The dashboard, the monthly report, the audit
page and the API all call the same functions, so a figure means the same everywhere.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q


@dataclass(frozen=True)
class KpiFilters:
    """Who is asking and what they narrowed the figures to.

    ``user`` None means everyone's figures (the scheduled monthly report). A user who may not
    see every customer (sales) gets the figures of their own customers only: apply
    :meth:`customer_q` on the model's path to its customer.
    """

    user: object = None
    product_model: int | None = None  # ProductModel pk
    region: str = ""
    severity: str = ""

    @property
    def scoped(self) -> bool:
        user = self.user
        return user is not None and not user.has_perm("customers.view_all_customers")

    def customer_q(self, customer_path: str = "customer") -> Q:
        """Return the condition limiting rows to the customers the user may see, and to the region filter."""
        condition = Q()
        if self.user is not None and not self.user.is_authenticated:
            return Q(pk__in=[])
        if self.scoped:
            condition &= Q(**{f"{customer_path}__salesperson": self.user})
        if self.region:
            condition &= Q(**{f"{customer_path}__region": self.region})
        return condition

    def complaint_q(self, path: str = "") -> Q:
        """Return the scope and filters for complaints reached through ``path`` ("" for Complaint itself)."""
        prefix = f"{path}__" if path else ""
        condition = self.customer_q(f"{prefix}customer")
        if self.product_model:
            condition &= Q(**{f"{prefix}product_model": self.product_model})
        if self.severity:
            condition &= Q(**{f"{prefix}severity": self.severity})
        return condition

    def as_query(self) -> dict:
        """Return the filters as list-page query parameters (for drill-down links)."""
        params = {}
        if self.product_model:
            params["product_model"] = self.product_model
        if self.region:
            params["region"] = self.region
        if self.severity:
            params["severity"] = self.severity
        return params


def percent(numerator, denominator, places: int = 1) -> Decimal | None:
    """Return numerator ÷ denominator as a percentage, or None when there is nothing to divide by."""
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Ratio:
    """A rate: ``numerator`` of ``denominator``; ``percent`` is None when the denominator is 0."""

    numerator: int | Decimal = 0
    denominator: int | Decimal = 0

    @property
    def percent(self) -> Decimal | None:
        return percent(self.numerator, self.denominator)

    def as_dict(self) -> dict:
        value = self.percent
        return {
            "numerator": _plain(self.numerator),
            "denominator": _plain(self.denominator),
            "percent": None if value is None else float(value),
        }


@dataclass(frozen=True)
class Times:
    """Mean and median of a duration, in hours (None when there were no cases)."""

    count: int = 0
    mean_hours: Decimal | None = None
    median_hours: Decimal | None = None

    def as_dict(self) -> dict:
        return {"count": self.count, "mean_hours": _plain(self.mean_hours), "median_hours": _plain(self.median_hours)}


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: a key (for drill-down links), its label and its figures by name."""

    key: object
    label: str
    values: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.values[name]

    def as_dict(self) -> dict:
        return {
            "key": _plain(self.key),
            "label": str(self.label),
            "values": {name: _plain(value) for name, value in self.values.items()},
        }


def _plain(value):
    """Return a value as JSON can hold it (for the stored snapshot of a report)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (Ratio, Times, Row)):
        return value.as_dict()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
