"""Single files from npm packages, for packages whose dist folder is too big to collect whole.

Mermaid's dist is 80+ MB of chunks and source maps; the page needs one 3.5 MB bundle, so only
that file is exposed instead of compressing the whole folder at every collectstatic.
"""

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage


class VendorFileFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.files = settings.STATICFILES_VENDOR_FILES

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        source = self.files.get(path)
        if source is None or not source.exists():
            return [] if find_all else None
        return [str(source)] if find_all else str(source)

    def list(self, ignore_patterns):
        for path, source in self.files.items():
            if source.exists():
                storage = FileSystemStorage(location=source.parent)
                storage.prefix = path.rsplit("/", 1)[0]
                yield source.name, storage
