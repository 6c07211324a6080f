"""URL patterns of the report pages for the scope test, one module per area."""
