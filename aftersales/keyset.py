"""Keyset (cursor) pagination for the long lists, with a page-number feel.

An OFFSET page walks every skipped row through the joins: page 10,000 of the complaint
list read 500,000 rows to show 50. A keyset page starts where the previous one ended,
``WHERE (received_at, id) < (x, y) ORDER BY received_at DESC, id DESC LIMIT 51``, so page
depth costs nothing as long as an index ends in the same columns (they all end in the id).

The links carry both the page number, which only labels the page ("Page 3", "Rows
101–150"), and the cursor, which decides what it holds: ``?page=3&after=<cursor>``.
A bare ``?page=N`` (a bookmark, a typed URL) is still answered with an offset up to
:data:`MAX_OFFSET_PAGE`; past the end it shows the last page. Lists whose order is not a
run of non-null columns ending in a unique one (an expression, a nullable column) page by
offset as before: those are the short ones (a user's own queue).

Django has no keyset paginator and django-cursor-pagination reads the cursor only
forwards and without the offset fallback; this module is the ~150 lines both sides need.
"""

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.utils.functional import cached_property

PAGE_SIZE = 50
MAX_OFFSET_PAGE = 10_000


def _order_keys(queryset) -> list[tuple[str, bool]] | None:
    """Return the ordering as ``[(field name, descending)]`` if pages can be cut by key, else None."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    if not ordering or queryset.query.distinct_fields:
        return None
    keys, opts = [], queryset.model._meta
    for item in ordering:
        if not isinstance(item, str) or "__" in item or item == "?":
            return None
        descending = item.startswith("-")
        name = item.lstrip("-")
        try:
            field = opts.pk if name == "pk" else opts.get_field(name)
        except FieldDoesNotExist:
            return None
        if not field.concrete or field.null or field.is_relation:
            return None
        keys.append((field.attname, descending))
        if field.primary_key or field.unique:
            return keys
    return None  # no unique column at the end: rows with equal keys could be skipped or repeated


def _encode(values: list) -> str:
    def plain(value):
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value

    raw = json.dumps([plain(v) for v in values], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(token: str, model, keys) -> list | None:
    """Return the cursor's values as the columns' Python types, or None if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        fields = [model._meta.get_field(name) if name != "pk" else model._meta.pk for name, _d in keys]
        return [field.to_python(value) for field, value in zip(fields, values, strict=True)]
    except (binascii.Error, ValueError, TypeError, ValidationError, UnicodeDecodeError):
        return None


def _beyond(keys, values, *, forwards: bool) -> Q:
    """Return the rows after (or before) the cursor in the list's order.

    Written as ``a <= x AND (a < x OR (a = x AND id < y))``: the leading bound is what an
    index scan can start from; the rest only sorts out rows sharing the first key.
    """
    branches = Q(pk__in=[])
    equal = Q()
    for (name, descending), value in zip(keys, values, strict=True):
        before = descending == forwards  # descending lists go forwards to smaller values
        branches |= equal & Q(**{f"{name}__{'lt' if before else 'gt'}": value})
        equal &= Q(**{name: value})
    name, descending = keys[0]
    before = descending == forwards
    return Q(**{f"{name}__{'lte' if before else 'gte'}": values[0]}) & branches


class Page:
    """One page of a list, knowing whether others follow without counting the whole table."""

    def __init__(self, rows, *, number, per_page, has_next, has_previous, keys, params, page_param, queryset=None):
        self.object_list = rows
        self._queryset = queryset
        self.number = number
        self.per_page = per_page
        self.has_next = has_next
        self.has_previous = has_previous
        self._keys = keys
        self._params = params
        self._page_param = page_param

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @cached_property
    def count(self) -> int:
        """The number of rows in the whole list: one COUNT, read only by pages that show it."""
        return self._queryset.order_by().count() if self._queryset is not None else len(self.object_list)

    @property
    def num_pages(self) -> int:
        return max((self.count + self.per_page - 1) // self.per_page, 1)

    @property
    def paginator(self):
        """Itself, for templates written against Django's Page (``page.paginator.count``)."""
        return self

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.object_list)

    def _cursor(self, row) -> str:
        return _encode([getattr(row, name) for name, _d in self._keys])

    def _query(self, number: int, direction: str, row) -> str:
        params = {self._page_param: number}
        if self._keys and row is not None and number > 1:
            params[cursor_params(self._page_param)[direction]] = self._cursor(row)
        return urlencode(params)

    @property
    def next_query(self) -> str:
        """The query string of the next page's link (page number and cursor)."""
        last = self.object_list[-1] if self.object_list else None
        return self._query(self.number + 1, "after", last)

    @property
    def previous_query(self) -> str:
        """The query string of the previous page's link (page number and cursor)."""
        first = self.object_list[0] if self.object_list else None
        return self._query(self.number - 1, "before", first)


def cursor_params(page_param: str = "page") -> dict[str, str]:
    """Return the names of the cursor parameters that go with a page parameter."""
    if page_param == "page":
        return {"after": "after", "before": "before"}
    return {"after": f"{page_param}_after", "before": f"{page_param}_before"}


def page_params(page_param: str = "page") -> tuple[str, ...]:
    """Return every query parameter a pager owns (to drop from the links' other filters)."""
    return (page_param, *cursor_params(page_param).values())


def _number(value, default: int = 1) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return default


def paginate(queryset, params=None, per_page: int = PAGE_SIZE, *, page_param: str = "page") -> Page:
    """Return one page of ``queryset`` as the request's parameters ask.

    ``params`` is the request's GET (or any mapping), or just the page number for callers
    that have no cursor. The cursor wins over the number when both are given.
    """
    if not isinstance(params, Mapping):
        params = {page_param: params}
    keys = _order_keys(queryset)
    names = cursor_params(page_param)
    number = _number(params.get(page_param))
    common = {"per_page": per_page, "keys": keys, "params": params, "page_param": page_param, "queryset": queryset}
    if keys:
        after = params.get(names["after"])
        before = params.get(names["before"])
        values = _decode(after, queryset.model, keys) if after else None
        if values is not None:
            rows = list(queryset.filter(_beyond(keys, values, forwards=True))[: per_page + 1])
            more = len(rows) > per_page
            return Page(rows[:per_page], number=max(number, 2), has_next=more, has_previous=True, **common)
        values = _decode(before, queryset.model, keys) if before else None
        if values is not None:
            reverse = [f"{'' if d else '-'}{name}" for name, d in keys]
            rows = list(queryset.filter(_beyond(keys, values, forwards=False)).order_by(*reverse)[: per_page + 1])
            has_previous = len(rows) > per_page
            rows = rows[:per_page][::-1]
            # Rows added since the pages were read could make "page 1" longer; without a
            # previous page this one is the first, whatever its number said.
            return Page(rows, number=number if has_previous else 1, has_next=True, has_previous=has_previous, **common)
    number = min(number, MAX_OFFSET_PAGE)
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    if not rows and number > 1:
        # Past the end (an old bookmark): show the last page rather than nothing.
        count = queryset.order_by().count()
        number = max((count + per_page - 1) // per_page, 1)
        offset = (number - 1) * per_page
        rows = list(queryset[offset : offset + per_page + 1])
    return Page(rows[:per_page], number=number, has_next=len(rows) > per_page, has_previous=number > 1, **common)


def query_without_page(request, page_param: str = "page") -> str:
    """Return the request's query string without the pager's own parameters."""
    query = request.GET.copy()
    for name in page_params(page_param):
        query.pop(name, None)
    return query.urlencode()
