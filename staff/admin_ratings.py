"""Admin of the ratings records."""
