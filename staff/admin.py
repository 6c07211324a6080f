"""The staff records in the Django admin; each area registers its own models."""

from . import admin_care, admin_ratings, admin_rewards, admin_training  # noqa: F401
