"""Imports as background jobs: upload, check every row, confirm, write all rows or none.

An import is a :class:`SpreadsheetJob`. Uploading stores the file and queues the check;
the check reads the file (``aftersales.tabular``), converts each cell
(``aftersales.cells``), lets the importer look up what the rows refer to one batch at a
time, and stores every problem with its row and column. When nothing is wrong the user
confirms, and the write reads the file again and checks again inside one transaction,
so a row that became wrong in between (a code taken meanwhile) stops the whole file and
nothing is written. The importer writes with bulk queries and one admin-log entry per
record, the same history the pages leave.

Each kind of import is an :class:`Importer` subclass registered with :func:`register`
from its app's ``AppConfig.ready``.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .cells import CellError
from .models import SpreadsheetJob, SpreadsheetProblem
from .spreadsheets import ESCAPE, in_every_language, unescape_cell

logger = logging.getLogger(__name__)


#: Rows converted and looked up together; progress is saved after each batch.
BATCH = 2000
#: Problems kept for one file: past this the check stops, as the file needs fixing anyway.
MAX_PROBLEMS = 5000
EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")

Status = SpreadsheetJob.Status


@dataclass
class Column:
    """One column of an import: how its header may be written and how a cell is read."""

    key: str
    label: Any  # the translated header written in the template
    convert: Callable[[Any], Any]
    required: bool = False  # the column must be in the file and its cells filled
    synonyms: tuple[str, ...] = ()
    help: Any = ""  # what the cell takes, shown on the template's notes sheet and the upload page
    choices: Callable[[], list[str]] | None = None  # values offered in the template's drop-down
    example: str = ""
    width: int = 16

    def headers(self) -> list[str]:
        # The first is the name the reader uses in its messages: the label in the user's language.
        return [str(self.label), *in_every_language(self.label), *self.synonyms, self.key]


class Record:
    """One data row of the file while it is checked and written."""

    __slots__ = ("row", "raw", "data", "present", "problems", "instance", "action", "extra")

    def __init__(self, row: int, raw: dict):
        self.row = row
        self.raw = raw
        self.data: dict = {}
        self.present: set = set()  # keys whose cell was filled
        self.problems: list[tuple[str, Any, str]] = []
        self.instance = None
        self.action = ""  # "create", "update" or "unchanged"
        self.extra: dict = {}

    def update(self, instance, values: dict) -> list[str]:
        """Take an existing record with ``values`` set on it; return the fields that change.

        The action becomes "update", or "unchanged" when no value differs.
        """
        changed = [key for key, value in values.items() if getattr(instance, key) != value]
        for key in changed:
            setattr(instance, key, values[key])
        self.instance = instance
        self.extra["changed"] = changed
        self.action = "update" if changed else "unchanged"
        return changed

    def problem(self, key: str, message, value=None) -> None:
        self.problems.append((key, self.raw.get(key) if value is None else value, str(message)))


class RecordRefused(Exception):
    """Raised by ``write_batch`` when a service refused to write one record (a ValidationError).

    The write then rolls back: the record's row gets the error's messages as problems,
    the rest of the file is still checked, and the import ends "invalid", nothing written.
    """

    def __init__(self, record: Record, error: ValidationError):
        super().__init__(record.row)
        self.record = record
        self.error = error


class Importer:
    """What one kind of import reads and how it writes; subclasses fill in the hooks."""

    kind: ClassVar[str]
    title: ClassVar[Any]
    permission: ClassVar[str]
    #: Keys whose values identify a record: the same values twice in one file is a problem.
    unique_in_file: ClassVar[tuple[str, ...]] = ()
    #: The column a refused write's ValidationError is about, by its field name or code (see ``refused``).
    error_columns: ClassVar[dict[str, str]] = {}

    def __init__(self, *, user, job: SpreadsheetJob | None = None):
        self.user = user
        self.job = job
        self.columns = self.get_columns()
        self.by_key = {column.key: column for column in self.columns}
        self.seen: dict[tuple, int] = {}

    # -- to be provided -------------------------------------------------------------
    def get_columns(self) -> list[Column]:
        raise NotImplementedError

    def setup(self) -> None:
        """Load what every batch refers to (tiers, users); called once per pass."""

    def check_batch(self, records: list[Record]) -> None:
        """Look up what the records refer to, with a few queries for the whole batch;
        add problems, set ``record.instance`` and ``record.action``."""
        raise NotImplementedError

    def write_batch(self, records: list[Record], log: AuditLog) -> None:
        """Write the checked records with bulk queries (inside the import's transaction)."""
        raise NotImplementedError

    @classmethod
    def allowed(cls, user) -> bool:
        return user.is_active and user.has_perm(cls.permission)

    def refused(self, record: Record, error: ValidationError) -> None:
        """Put the messages of a write's ValidationError on the record's row, under their columns.

        A field that is a column names itself; otherwise ``error_columns`` maps the field
        or the error's code to a column, and anything else is about the whole row.
        """
        items = error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]
        for field, errors in items:
            for item in errors:
                key = field if field in self.by_key else self.error_columns.get(field or item.code or "", "")
                for message in item.messages:
                    record.problem(key, message)

    # -- shared ---------------------------------------------------------------------
    def spec(self) -> dict[str, list[str]]:
        return {column.key: column.headers() for column in self.columns}

    def required(self) -> list[str]:
        return [column.key for column in self.columns if column.required]

    def convert(self, record: Record) -> None:
        for key, value in record.raw.items():
            column = self.by_key[key]
            if isinstance(value, str) and value.startswith(ESCAPE):
                value = unescape_cell(value)  # a csv we exported: "'=1+1" was written for "=1+1"
            if value is None or (isinstance(value, str) and not value.strip()):
                if column.required:
                    record.problem(key, _("This column must be filled."), "")
                continue
            try:
                record.data[key] = column.convert(value)
            except CellError as error:
                record.problem(key, error.message)
                continue
            if record.data[key] not in ("", None):
                record.present.add(key)
        # (The reader refuses a file without a required column, so each row has them all.)
        if self.unique_in_file and not record.problems:
            key = tuple(str(record.data.get(name, "")).casefold() for name in self.unique_in_file)
            if all(key):
                first = self.seen.setdefault(key, record.row)
                if first != record.row:
                    record.problem(
                        self.unique_in_file[-1],
                        _("Row %(row)s of this file has the same %(columns)s.")
                        % {"row": first, "columns": " / ".join(self.label(name) for name in self.unique_in_file)},
                    )

    def label(self, key: str) -> str:
        column = self.by_key.get(key)
        return str(column.label) if column else key

    def cached_records(self, handle) -> Iterable[list[Record]]:
        """The converted rows a passed check stored (see ``_check_rows``), batch by batch."""
        import pickle

        while True:
            try:
                batch = pickle.load(handle)  # noqa: S301 — written by run_check into private storage
            except EOFError:
                return
            records = []
            for row, raw, data, present in batch:
                record = Record(row, raw)
                record.data, record.present = data, present
                records.append(record)
            yield records

    def records(self, table) -> Iterable[list[Record]]:
        batch = []
        for row, raw in table.rows:
            record = Record(row, raw)
            self.convert(record)
            batch.append(record)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


class AuditLog:
    """Admin-log entries for the records an import writes, saved in bulk.

    Each entry is a tuple, inserted with :func:`aftersales.bulk.insert_rows`: an import of
    50,000 customers writes as many entries, and a model instance per entry would cost
    more than the rows themselves.
    """

    FIELDS = ["action_time", "user_id", "content_type_id", "object_id", "object_repr", "action_flag", "change_message"]

    def __init__(self, *, actor, job: SpreadsheetJob | None):
        from django.contrib.admin.models import LogEntry

        from .bulk import db_datetime

        self.model = LogEntry
        self.actor_id = actor.pk
        self.now = db_datetime(timezone.now())
        self.entries = []
        self.message = (
            {"message": f"import #{job.pk}: {job.original_name}"[:200]} if job is not None and job.pk else None
        )
        self.added_message = self._change_message([{"added": {}}])  # the same for every added record
        self.content_types: dict[type, int] = {}

    def _change_message(self, change: list) -> str:
        import json

        if self.message:
            change.append(self.message)
        return json.dumps(change, ensure_ascii=False)

    def content_type(self, model) -> int:
        found = self.content_types.get(model)
        if found is None:
            from django.contrib.contenttypes.models import ContentType

            found = self.content_types[model] = ContentType.objects.get_for_model(model, for_concrete_model=False).pk
        return found

    def add(self, obj, *, added: bool, fields: Iterable[str] = ()) -> None:
        self.add_row(type(obj), obj.pk, str(obj), added=added, fields=fields)

    def add_row(
        self, model, pk, text: str, *, added: bool, fields: Iterable[str] = (), with_related: tuple = ()
    ) -> None:
        """Log a record by its model, id and text (what ``str()`` of the record gives).

        ``with_related`` names records added with it, as (verbose name, text) pairs: the
        admin's history shows "Added contact “张伟 13912345678”." on the record, as it does
        for an inline added on the record's admin page.
        """
        from django.contrib.admin.models import ADDITION, CHANGE

        if added and with_related:
            related = [{"added": {"name": str(name), "object": str(obj)}} for name, obj in with_related]
            message = self._change_message([{"added": {}}, *related])
        elif added:
            message = self.added_message
        else:
            message = self._change_message([{"changed": {"fields": sorted(fields)}}])
        self.entries.append(
            (
                self.now,
                self.actor_id,
                self.content_type(model),
                str(pk),
                text[:200],
                ADDITION if added else CHANGE,
                message,
            )
        )
        if len(self.entries) >= BATCH:
            self.flush()

    def flush(self) -> None:
        from .bulk import insert_rows

        insert_rows(self.model, self.FIELDS, self.entries)
        self.entries = []


# -- registry ------------------------------------------------------------------------

_importers: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    _importers[importer.kind] = importer
    return importer


def importer_for(kind: str) -> type[Importer]:
    try:
        return _importers[kind]
    except KeyError:
        raise LookupError(kind) from None


def importers_for(user) -> list[type[Importer]]:
    return [importer for importer in _importers.values() if importer.allowed(user)]


# -- services ------------------------------------------------------------------------


def import_start(*, user, kind: str, upload, sheet: str = "") -> SpreadsheetJob:
    """Store an uploaded file as a new import and queue its check.

    Refuses (ValidationError) a file of the wrong type or past the size and row limits
    before anything reads it; the check runs in the background.
    """
    importer = importer_for(kind)
    if not importer.allowed(user):
        raise PermissionDenied
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in EXTENSIONS:
        raise ValidationError(
            _("%(name)s is not a spreadsheet this import reads: upload an .xlsx, .xls or .csv file."),
            params={"name": name},
            code="import_type",
        )
    from .import_limits import check_import_file
    from .spreadsheets import CSV, XLSX

    total = check_import_file(upload, CSV if extension in (".csv", ".txt") else XLSX)
    with transaction.atomic():
        job = SpreadsheetJob(
            direction=SpreadsheetJob.Direction.IMPORT,
            kind=kind,
            created_by=user,
            original_name=name[:255],
            sheet_name=sheet[:100],
            size=upload.size or 0,
            total_rows=total or 0,
            params={"language": translation.get_language() or settings.LANGUAGE_CODE},
        )
        upload.seek(0)
        job.file.save(name, File(upload), save=False)
        job.save()
        enqueue(job, "check")
    return job


def import_confirm(*, user, job: SpreadsheetJob) -> SpreadsheetJob:
    """Write a checked import: only its author, only once, only when nothing was wrong."""
    with transaction.atomic():
        job = SpreadsheetJob.objects.select_for_update().get(pk=job.pk)
        if job.created_by_id != user.pk or not importer_for(job.kind).allowed(user):
            raise PermissionDenied
        if job.status != Status.CHECKED:
            raise ValidationError(
                _("This import cannot be confirmed now: it is “%(status)s”.") % {"status": job.get_status_display()}
            )
        job.status = Status.WRITING
        job.confirmed_at = job.updated_at = timezone.now()
        job.processed_rows = 0
        job.save(update_fields=["status", "confirmed_at", "updated_at", "processed_rows"])
        enqueue(job, "write")
    return job


def import_cancel(*, user, job: SpreadsheetJob) -> SpreadsheetJob:
    with transaction.atomic():
        job = SpreadsheetJob.objects.select_for_update().get(pk=job.pk)
        if job.created_by_id != user.pk:
            raise PermissionDenied
        if job.status not in (Status.QUEUED, Status.CHECKED, Status.INVALID):
            raise ValidationError(
                _("This import cannot be cancelled now: it is “%(status)s”.") % {"status": job.get_status_display()}
            )
        job.status = Status.CANCELLED
        job.finished_at = job.updated_at = timezone.now()
        job.save(update_fields=["status", "finished_at", "updated_at"])
        transaction.on_commit(lambda: _drop_checked_rows(job))
    return job


def enqueue(job: SpreadsheetJob, step: str) -> None:
    """Queue a step after commit; a broker that is down leaves it to the sweep, not to the user."""
    from . import tasks

    task = tasks.check_import if step == "check" else tasks.write_import

    def send():
        try:
            task.delay(job.pk)
        except Exception:  # noqa: BLE001 — the sweep queues it again once the broker is back
            logger.warning("Spreadsheet job %s: could not queue the %s step.", job.pk, step, exc_info=True)

    transaction.on_commit(send)


# -- the two steps, run by tasks -----------------------------------------------------


def _open_table(job: SpreadsheetJob, importer: Importer):
    from .tabular import read_table

    job.file.open("rb")
    return read_table(
        job.file,
        job.original_name,
        importer.spec(),
        importer.required(),
        sheet=job.sheet_name or None,
        max_rows=settings.IMPORT_MAX_ROWS,
        # calamine parses xlsx about ten times faster than openpyxl; the whole sheet is held
        # while it is read, which the size and row limits (checked on upload) keep small.
        xlsx_engine="calamine",
    )


def _progress(job: SpreadsheetJob, done: int) -> None:
    SpreadsheetJob.objects.filter(pk=job.pk).update(processed_rows=done, updated_at=timezone.now())


def run_check(job_id: int) -> None:
    """Read and check every row of an import; store the problems; never write records."""
    from .tabular import TableError

    with transaction.atomic():
        job = SpreadsheetJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
        if job is None or job.status not in (Status.QUEUED, Status.CHECKING):
            return
        job.status = Status.CHECKING
        job.updated_at = timezone.now()
        job.processed_rows = 0
        job.save(update_fields=["status", "updated_at", "processed_rows"])
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        importer = importer_for(job.kind)(user=job.created_by, job=job)
        SpreadsheetProblem.objects.filter(job=job).delete()
        try:
            table = _open_table(job, importer)
            job.sheet_name = table.sheet or ""
            job.header_row = table.header_row
            job.notes = [str(note) for note in table.notes()]
            SpreadsheetJob.objects.filter(pk=job.pk).update(
                sheet_name=job.sheet_name, header_row=job.header_row, notes=job.notes
            )
            with tempfile.TemporaryFile() as cache:
                with _no_cyclic_gc():
                    counts, problems, problem_rows, rows = _check_rows(job, importer, table, cache)
                if not problems and rows:
                    cache.seek(0)
                    _keep_checked_rows(job, cache)
        except TableError as error:
            _finish_invalid(
                job, [SpreadsheetProblem(job=job, row=error.row, column=error.column or "", message=error.message)], 1
            )
            return
        except Exception:
            logger.exception("Spreadsheet job %s: the check failed.", job.pk)
            _fail(job, _("The file could not be checked because of an error on the server; it was recorded."))
            raise
        finally:
            job.file.close()
        if problems:
            _finish_invalid(job, problems, problem_rows, rows=rows)
            return
        SpreadsheetJob.objects.filter(pk=job.pk).update(
            status=Status.CHECKED,
            total_rows=rows,
            processed_rows=rows,
            created_count=counts["create"],
            updated_count=counts["update"],
            unchanged_count=counts["unchanged"],
            problem_count=0,
            problem_rows=0,
            updated_at=timezone.now(),
        )
        if not rows:
            _finish_invalid(
                job, [SpreadsheetProblem(job=job, message=_("The file has a header but no rows to import."))], 0
            )


@contextlib.contextmanager
def _no_cyclic_gc():
    """Pause the cyclic garbage collector during one pass over a file.

    A pass keeps tens of thousands of rows alive; each full collection walks them all, so
    the collector's cost grows faster than the file (a 50,000-row check took six times
    the 10,000-row one). Reference counting still frees what the pass drops, and the
    collector runs again at the end.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _keep_checked_rows(job, cache) -> None:
    """Store the converted rows of a passed check, so the write need not read the file again."""
    from .storage import private_storage

    name = private_storage().save(f"spreadsheets/checked/{job.pk}.pickle", File(cache))
    job.params["checked_rows"] = name
    SpreadsheetJob.objects.filter(pk=job.pk).update(params=job.params)


def _drop_checked_rows(job) -> None:
    from .storage import private_storage

    name = job.params.get("checked_rows")
    if name:
        private_storage().delete(name)


def _check_rows(job, importer, table, cache):
    """Check every row; while none has a problem, keep the converted rows in ``cache`` for the write."""
    import pickle

    importer.setup()
    counts = {"create": 0, "update": 0, "unchanged": 0}
    problems, problem_rows, rows = [], 0, 0
    for batch in importer.records(table):
        clean = [record for record in batch if not record.problems]
        if not problems and len(clean) == len(batch):
            pickle.dump([(r.row, r.raw, r.data, r.present) for r in batch], cache, protocol=pickle.HIGHEST_PROTOCOL)
        if clean:
            importer.check_batch(clean)
        for record in batch:
            if record.problems:
                problem_rows += 1
                for key, value, message in record.problems:
                    problems.append(_problem(job, importer, record.row, key, value, message))
            else:
                counts[record.action] += 1
        rows += len(batch)
        _progress(job, rows)
        if len(problems) >= MAX_PROBLEMS:
            problems.append(
                SpreadsheetProblem(
                    job=job,
                    message=_("The check stopped after %(count)s problems; fix these and upload the file again.")
                    % {"count": len(problems)},
                )
            )
            break
    return counts, problems, problem_rows, rows


def _problem(job, importer, row, key, value, message) -> SpreadsheetProblem:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number cell shows 2584561234, not 2584561234.0
    text = "" if value is None else str(value)
    return SpreadsheetProblem(job=job, row=row, column=importer.label(key)[:100], value=text[:200], message=message)


def _finish_invalid(job, problems, problem_rows, *, rows=None) -> None:
    with transaction.atomic():
        SpreadsheetProblem.objects.filter(job=job).delete()
        SpreadsheetProblem.objects.bulk_create(problems, batch_size=1000)
        fields = {
            "status": Status.INVALID,
            "problem_count": sum(1 for problem in problems if problem.row is not None) or len(problems),
            "problem_rows": problem_rows,
            "updated_at": timezone.now(),
            "finished_at": timezone.now(),
            "created_count": 0,
            "updated_count": 0,
            "unchanged_count": 0,
        }
        if rows is not None:
            fields["total_rows"] = fields["processed_rows"] = rows
        SpreadsheetJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    try:
        save_problem_report(job)
    except Exception:  # noqa: BLE001 — the problems are on the page; the download is a convenience
        logger.exception("Spreadsheet job %s: the problem report could not be written.", job.pk)


def _fail(job, message: str) -> None:
    SpreadsheetJob.objects.filter(pk=job.pk).update(
        status=Status.FAILED, failure=message, updated_at=timezone.now(), finished_at=timezone.now()
    )


class _Problems(Exception):
    def __init__(self, problems, problem_rows, rows):
        self.problems, self.problem_rows, self.rows = problems, problem_rows, rows


def run_write(job_id: int) -> None:
    """Check the file again and write every row, in one transaction: all rows or none."""
    from .tabular import TableError

    job = SpreadsheetJob.objects.filter(pk=job_id, status=Status.WRITING).first()
    if job is None:
        return
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        importer = importer_for(job.kind)(user=job.created_by, job=job)
        try:
            with transaction.atomic():
                job = SpreadsheetJob.objects.select_for_update().get(pk=job_id)
                if job.status != Status.WRITING:
                    return
                if not importer.allowed(job.created_by):
                    raise PermissionDenied
                counts = _write_rows(job, importer)
                job.status = Status.DONE
                job.created_count = counts["create"]
                job.updated_count = counts["update"]
                job.unchanged_count = counts["unchanged"]
                job.processed_rows = job.total_rows = sum(counts.values())
                job.finished_at = job.updated_at = timezone.now()
                job.save()
        except _Problems as found:
            _finish_invalid(job, found.problems, found.problem_rows, rows=found.rows)
        except TableError as error:
            _finish_invalid(
                job, [SpreadsheetProblem(job=job, row=error.row, column=error.column or "", message=error.message)], 1
            )
        except PermissionDenied:
            _fail(job, _("You may no longer run this import."))
        except Exception:
            logger.exception("Spreadsheet job %s: the write failed; nothing was written.", job.pk)
            _fail(job, _("Nothing was written: an error on the server stopped the import; it was recorded."))
            raise
        finally:
            job.file.close()
            if not SpreadsheetJob.objects.filter(pk=job_id, status=Status.WRITING).exists():
                _drop_checked_rows(job)  # kept only while a rerun of the write may need them


def _write_rows(job, importer) -> dict:
    from .storage import private_storage

    cached = job.params.get("checked_rows")
    storage = private_storage()
    if cached and storage.exists(cached):
        handle = storage.open(cached, "rb")
        batches = importer.cached_records(handle)
    else:  # a check from before the rows were kept: read the file again
        handle = None
        batches = importer.records(_open_table(job, importer))
    try:
        with _no_cyclic_gc():
            return _write_batches(job, importer, batches)
    finally:
        if handle is not None:
            handle.close()


def _write_batches(job, importer, batches) -> dict:
    importer.setup()
    log = AuditLog(actor=job.created_by, job=job)
    counts = {"create": 0, "update": 0, "unchanged": 0}
    problems, problem_rows, rows = [], 0, 0
    for batch in batches:
        clean = [record for record in batch if not record.problems]
        if clean:
            importer.check_batch(clean)
        bad = [record for record in batch if record.problems]
        rows += len(batch)
        if bad or problems:
            problem_rows += len(bad)
            problems.extend(
                _problem(job, importer, record.row, key, value, message)
                for record in bad
                for key, value, message in record.problems
            )
            continue  # keep checking, to report every problem; nothing will be kept
        try:
            with transaction.atomic():  # a refused record leaves the connection usable for the check
                importer.write_batch(batch, log)
        except RecordRefused as refused:
            importer.refused(refused.record, refused.error)
            problem_rows += 1
            problems.extend(
                _problem(job, importer, refused.record.row, key, value, message)
                for key, value, message in refused.record.problems
            )
            continue  # the rest is checked, not written; _Problems below rolls the whole write back
        for record in batch:
            counts[record.action] += 1
    if problems:
        raise _Problems(problems, problem_rows, rows)
    log.flush()
    return counts


# -- files ---------------------------------------------------------------------------


def save_problem_report(job: SpreadsheetJob) -> None:
    """Write the job's problems as an xlsx workbook the user can download and work through."""
    import tempfile

    headers = [_("Row"), _("Column"), _("Value"), _("Problem")]
    rows = (
        (problem.row, problem.column, problem.value, problem.message)
        for problem in SpreadsheetProblem.objects.filter(job=job).order_by("row", "id").iterator(chunk_size=2000)
    )
    with tempfile.TemporaryFile() as handle:
        _write_sheet(handle, title=_("Problems"), headers=headers, rows=rows, widths=[8, 18, 24, 80])
        handle.seek(0)
        stem = os.path.splitext(job.original_name)[0] or "import"
        if job.report:
            job.report.delete(save=False)
        job.report.save(f"{stem}-problems.xlsx", File(handle), save=False)
    SpreadsheetJob.objects.filter(pk=job.pk).update(report=job.report.name)


def _write_sheet(handle, *, title, headers, rows, widths) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    def cell(value):
        if isinstance(value, str):
            written = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            written.data_type = "s"  # text, even when it starts with "="
            return written
        return value

    sheet.append([str(header) for header in headers])
    for row in rows:
        sheet.append([cell(value) for value in row])
    book.save(handle)


def template_workbook(importer: Importer) -> ContentFile:
    """An empty import file: headers, a notes sheet and drop-down lists where a column has choices."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.child import INVALID_TITLE_REGEX
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    # A sheet's name cannot hold / \ ? * : [ ] (a title such as "Corrective/preventive actions").
    sheet.title = INVALID_TITLE_REGEX.sub(" ", str(importer.title))[:31]
    lists = book.create_sheet(_("Lists")[:31])
    notes = book.create_sheet(_("How to fill in")[:31])
    last_row = settings.IMPORT_MAX_ROWS + 1
    bold = Font(bold=True)
    list_column = 0
    for index, column in enumerate(importer.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=str(column.label) + ("*" if column.required else ""))
        cell.font = bold
        cell.number_format = "@"
        sheet.column_dimensions[letter].width = column.width
        # Text columns are formatted as text, so Excel keeps phones' and codes' leading zeros.
        sheet.column_dimensions[letter].number_format = "@"
        if column.choices:
            values = [str(value) for value in column.choices()]
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=str(column.label)).font = bold
            for row, value in enumerate(values, start=2):
                lists.cell(row=row, column=list_column, value=value)
            validation = DataValidation(
                type="list",
                formula1=f"='{lists.title}'!${list_letter}$2:${list_letter}${len(values) + 1}",
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=str(column.label),
                error=_("Choose one of the values in the list."),
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last_row}")
    sheet.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    notes.append([_("Column"), _("Required"), _("What to write"), _("Allowed values"), _("Example")])
    for cell in notes[1]:
        cell.font = bold
    for column in importer.columns:
        allowed = "、".join(str(value) for value in column.choices()) if column.choices else ""
        notes.append(
            [str(column.label), _("Yes") if column.required else _("No"), str(column.help), allowed, column.example]
        )
    for letter, width in zip("ABCDE", (18, 8, 60, 40, 20), strict=True):
        notes.column_dimensions[letter].width = width
    handle = io.BytesIO()
    book.save(handle)
    return ContentFile(handle.getvalue())


def purge_files() -> int:
    """Delete the stored files of jobs finished more than SPREADSHEET_FILES_KEEP_DAYS ago.

    The uploads and reports hold customer data; the job itself (who, file name, counts,
    problems) stays as the record of the import. Returns the number of jobs purged.
    """
    from datetime import timedelta

    cutoff = timezone.now() - timedelta(days=settings.SPREADSHEET_FILES_KEEP_DAYS)
    finished = (Status.DONE, Status.INVALID, Status.FAILED, Status.CANCELLED)
    purged = 0
    jobs = (
        SpreadsheetJob.objects.filter(status__in=finished, finished_at__lt=cutoff)
        .exclude(file="", report="")
        .only("pk", "file", "report", "params")
    )
    for job in jobs.iterator(chunk_size=200):
        for stored in (job.file, job.report):
            if stored:
                stored.delete(save=False)
        _drop_checked_rows(job)
        SpreadsheetJob.objects.filter(pk=job.pk).update(file="", report="")
        purged += 1
    return purged


def sweep() -> dict:
    """Queue again the jobs, imports and exports, that a lost broker message or a dead worker left behind.

    A queued job whose task has not started after SPREADSHEET_REQUEUE_AFTER seconds is
    queued again; a job still running past the task time limit belongs to a dead worker
    and starts over (a check stores nothing until it ends, a write is one transaction, an
    export writes its file at the end). Each step claims its job, so a duplicate is harmless.
    """
    from datetime import timedelta

    from . import exporting

    now = timezone.now()
    stale_queue = now - timedelta(seconds=settings.SPREADSHEET_REQUEUE_AFTER)
    stale_run = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    found = {"check": 0, "write": 0, "export": 0}
    jobs = SpreadsheetJob.objects.filter(
        Q(status=Status.QUEUED, updated_at__lt=stale_queue)
        | Q(status__in=(Status.CHECKING, Status.WRITING), updated_at__lt=stale_run)
    ).only("pk", "direction", "status")
    for job in jobs:
        if job.direction == SpreadsheetJob.Direction.EXPORT:
            step, status = "export", Status.QUEUED  # run_export claims queued jobs only
        elif job.status == Status.WRITING:
            step, status = "write", Status.WRITING
        else:
            step, status = "check", Status.QUEUED
        with transaction.atomic():
            SpreadsheetJob.objects.filter(pk=job.pk).update(status=status, updated_at=now)
            if step == "export":
                transaction.on_commit(lambda pk=job.pk: exporting.enqueue(pk))
            else:
                enqueue(job, step)
        found[step] += 1
    return found


__all__ = [
    "AuditLog",
    "Column",
    "Importer",
    "Record",
    "RecordRefused",
    "import_cancel",
    "import_confirm",
    "import_start",
    "register",
]
