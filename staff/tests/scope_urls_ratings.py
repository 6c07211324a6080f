"""URL patterns of the ratings pages for the project-wide scope test."""
