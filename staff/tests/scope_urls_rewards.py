"""URL patterns of the rewards pages for the project-wide scope test."""
