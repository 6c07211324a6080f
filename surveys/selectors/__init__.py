"""Reads of the survey records for pages and reports, one module per area."""
