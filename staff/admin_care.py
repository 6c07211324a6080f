"""Admin of the care records."""
