"""Static files taken one by one from npm packages (node_modules), instead of a package's whole directory.

`STATICFILES_NPM_FILES` maps the static path a page loads to the file in node_modules, e.g.
{"vendor/chart.js/chart.umd.min.js": "chart.js/dist/chart.umd.min.js"}. Only those files are found by the
development server and copied by collectstatic: Chart.js's dist/ holds some 60 builds, types and maps, of which
the reports load one (and the source map it names, which the manifest storage of production follows).
"""

from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


def _files() -> dict[str, Path]:
    root = Path(settings.BASE_DIR) / "node_modules"
    return {static: root / source for static, source in getattr(settings, "STATICFILES_NPM_FILES", {}).items()}


class NpmFileFinder(BaseFinder):
    def check(self, **kwargs):
        errors = []
        for static, source in getattr(settings, "STATICFILES_NPM_FILES", {}).items():
            path = PurePosixPath(static)
            if path.is_absolute() or ".." in path.parts or len(path.parts) < 2 or path.name != Path(source).name:
                errors.append(Error(f"STATICFILES_NPM_FILES: {static!r} must be a relative path in a folder, with "
                                    f"the file name of {source!r} (collectstatic keeps the source's name).",
                                    id="oskus.E101"))
        return errors

    def find(self, path, find_all=False, **kwargs):
        source = _files().get(path)
        if source is None or not source.is_file():
            return []  # "not found", as Django's own finders say it
        return [str(source)] if find_all else str(source)

    def list(self, ignore_patterns):
        """(name, storage) pairs as collectstatic wants them: each file's folder as a storage whose `prefix` is
        the static folder it goes to. A file not installed yet (no `npm install`) is left out."""
        for static, source in _files().items():
            if not source.is_file():
                continue
            storage = FileSystemStorage(location=str(source.parent))
            storage.prefix = static.rsplit("/", 1)[0]
            yield source.name, storage
