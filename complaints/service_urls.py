"""URLs of service visits, returns, follow-up calls and the knowledge base (included by urls.py)."""

urlpatterns = []
