from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Storage for uploads that are served only through permission-checking views.

    The location is read from settings.PRIVATE_MEDIA_ROOT on every use, so a changed
    setting (a test's temporary folder, say) takes effect without reloading models.
    """

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        import os

        return os.path.abspath(self.base_location)


def private_storage():
    return PrivateStorage()
