"""URL patterns of the training pages for the project-wide scope test."""
