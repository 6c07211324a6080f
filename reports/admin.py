"""The reports' admin; each area registers its models in its own ``admin_<area>.py``, imported here."""
