"""Plain multi-row INSERTs for imports: rows as tuples, no model instance per row.

``Model.objects.bulk_create`` builds a model instance per row and prepares every value
through its field, which costs more than the database's own work when an import writes
tens of thousands of rows. Here the caller gives values already in their stored form
(ids for foreign keys, dates, booleans, text) and the rows go in with ``COPY … FROM
STDIN`` on PostgreSQL (the rows written as csv text: a few microseconds a row), or
``executemany`` elsewhere (SQLite, in process). Nothing is validated here: the importer has checked each
row before, and the database's constraints still hold.

django-postgres-copy was weighed: it maps a csv file's columns onto a model through a
temporary table, on PostgreSQL only. Here the rows are values already checked in memory,
and the embedded SQLite of ``make run`` must take them too, so a dozen lines do it.
"""

import functools

from django.db import connection


def insert_rows(model, fields: list[str], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples in the order of ``fields``, model field names) into ``model``'s table."""
    if not rows:
        return
    opts = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(opts.get_field(name).column) for name in fields)
    table = quote(opts.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            import io

            text = io.StringIO("".join(",".join(map(_csv_value, row)) + "\n" for row in rows))
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", text)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@functools.lru_cache(maxsize=4096)
def _iso(value) -> str:
    return value.isoformat()  # a batch repeats the same timestamp and a few dates


_FORMAT = {str: _quoted, type(None): lambda value: "", bool: lambda value: "t" if value else "f", int: str}


def _csv_value(value) -> str:
    """One value in COPY's csv form: NULL unquoted and empty, text always quoted."""
    format_value = _FORMAT.get(type(value))
    if format_value is not None:
        return format_value(value)
    if hasattr(value, "isoformat"):
        return _iso(value)
    return str(value)


def db_datetime(value):
    """A datetime as the database driver takes it in a raw query (SQLite stores naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)
