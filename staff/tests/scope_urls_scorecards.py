"""URL patterns of the scorecards pages for the project-wide scope test."""
