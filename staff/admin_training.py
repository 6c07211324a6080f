"""Admin of the training records."""
