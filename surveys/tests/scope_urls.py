"""URL patterns of the survey pages for the project-wide scope test, one module per area."""

from . import scope_urls_answers, scope_urls_campaigns, scope_urls_questionnaires, scope_urls_results  # noqa: F401
