"""URL patterns of the care pages for the project-wide scope test."""
