"""Forms of the survey pages, one module per area."""
