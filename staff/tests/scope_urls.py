"""URL patterns of the staff pages for the scope test, one module per area."""

from . import (  # noqa: F401
    scope_urls_care,
    scope_urls_ratings,
    scope_urls_rewards,
    scope_urls_scorecards,
    scope_urls_training,
)
