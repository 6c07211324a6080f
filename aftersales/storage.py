from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage():
    """Storage for uploads that are served only through permission-checking views."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
