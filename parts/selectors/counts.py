"""Reads of counts, transfers and scrap requests: scoped lists, pages and the variance totals."""

from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, IntegerField, Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from ..models import ScrapRequest, StockCount, StockCountLine, Transfer

MONEY = DecimalField(max_digits=16, decimal_places=2)


def count_list(*, user, state=""):
    counts = StockCount.objects.visible_to(user).select_related("warehouse", "started_by", "category")
    return counts.filter(state=state) if state else counts


def count_get(*, user, pk) -> StockCount:
    related = ("warehouse", "started_by", "approved_by", "category")
    return get_object_or_404(StockCount.objects.visible_to(user).select_related(*related), pk=pk)


def count_lines(count):
    return count.lines.select_related("part").order_by("bin_location", "part__code")


def with_variance(lines):
    """Annotate each line with its variance and the variance's value at standard cost, in SQL."""
    variance = ExpressionWrapper(F("counted") - F("snapshot"), output_field=IntegerField())
    return lines.annotate(
        delta=variance,
        value=ExpressionWrapper(variance * F("part__standard_cost"), output_field=MONEY),
    )


def variances(count):
    """The counted lines that differ from the snapshot, with their values, and the totals."""
    lines = with_variance(StockCountLine.objects.filter(count=count, counted__isnull=False))
    rows = lines.exclude(counted=F("snapshot")).select_related("part").order_by("part__code")
    zero = Decimal("0.00")
    totals = lines.aggregate(
        gain=Coalesce(Sum("value", filter=Q(counted__gt=F("snapshot"))), zero, output_field=MONEY),
        loss=Coalesce(Sum("value", filter=Q(counted__lt=F("snapshot"))), zero, output_field=MONEY),
        net=Coalesce(Sum("value"), zero, output_field=MONEY),
        book=Coalesce(
            Sum(ExpressionWrapper(F("snapshot") * F("part__standard_cost"), output_field=MONEY)),
            zero,
            output_field=MONEY,
        ),
    )
    return rows, totals


def transfer_list(*, user):
    return Transfer.objects.visible_to(user).select_related("source", "destination", "actor")


def transfer_get(*, user, pk) -> Transfer:
    queryset = Transfer.objects.visible_to(user).select_related("source", "destination", "actor")
    return get_object_or_404(queryset, pk=pk)


def scrap_list(*, user, state=""):
    scraps = ScrapRequest.objects.visible_to(user).select_related("warehouse", "requested_by")
    return scraps.filter(state=state) if state else scraps


def scrap_get(*, user, pk) -> ScrapRequest:
    queryset = ScrapRequest.objects.visible_to(user).select_related("warehouse", "requested_by", "decided_by")
    return get_object_or_404(queryset, pk=pk)
