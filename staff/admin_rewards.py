"""Admin of the rewards records."""
