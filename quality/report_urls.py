"""URLs of the printable sheet and the 8D report (appended to quality/urls.py)."""

urlpatterns = []
