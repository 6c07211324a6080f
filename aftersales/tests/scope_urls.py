"""URL patterns of the project package for the scope test (see scope_registry)."""

from .scope_registry import Fill, _by, register

register("favicon", Fill(notes="the site icon: no records"))

# Spreadsheet jobs: each is seen only by the user who ran it.
IMPORT_JOB = _by(pk="import_job.pk")
register("spreadsheet-jobs")
for name in ("spreadsheet-import", "spreadsheet-template"):
    register(name, Fill(lambda r: {"kind": "customers.customer"}, notes="sales may not import: refused"))
for name in ("spreadsheet-job", "spreadsheet-job-progress", "spreadsheet-job-problems"):
    register(name, Fill(IMPORT_JOB))
for name in ("spreadsheet-job-confirm", "spreadsheet-job-cancel"):
    register(name, Fill(IMPORT_JOB, notes="POST only"))
register("spreadsheet-job-file", Fill(lambda r: {"pk": r.import_job.pk, "which": "file"}))
