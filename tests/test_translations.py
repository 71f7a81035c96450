"""Every visible string is translatable, and the Estonian, English and Russian catalogues are complete."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = {lang: ROOT / "locale" / lang / "LC_MESSAGES" / "django.po" for lang in ("et", "en", "ru")}
SOURCE_DIRS = ["accounts", "courses", "enrollment", "certificates", "feedback", "privacy", "oskus", "outbox", "leansql",
               "reports", "site"]


def parse_po(path: Path) -> dict[str, tuple[str, bool]]:
    """msgid (with context) -> (first msgstr, fuzzy?) for every live entry of a .po file."""
    entries: dict[str, tuple[str, bool]] = {}
    text = path.read_text(encoding="utf-8")
    for block in re.split(r"\n\s*\n", text):
        if "\n#~" in "\n" + block:
            continue
        fuzzy = "#, fuzzy" in block or re.search(r"^#,.*fuzzy", block, re.M) is not None

        def field(name, block=block):
            match = re.search(rf'^{name} ((?:".*"\n?)+)', block + "\n", re.M)
            if not match:
                return None
            return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1)))

        msgid = field("msgid")
        if not msgid:
            continue
        context = field("msgctxt") or ""
        msgstr = field("msgstr") if field("msgstr") is not None else field(r"msgstr\[0\]")
        entries[f"{context}\x04{msgid}"] = (msgstr or "", fuzzy)
    return entries


@pytest.mark.parametrize("lang", ["et", "en", "ru"])
def test_catalogue_translates_every_message(lang):
    entries = parse_po(CATALOGUES[lang])
    assert len(entries) > 100
    missing = [key.split("\x04")[1] for key, (msgstr, fuzzy) in entries.items() if not msgstr or fuzzy]
    assert missing == []


def test_makemessages_finds_nothing_new(tmp_path):
    """Run makemessages on a copy of the sources: it must find no msgid the catalogues lack."""
    work = tmp_path / "src"
    work.mkdir()
    for name in SOURCE_DIRS:
        shutil.copytree(ROOT / name, work / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", work / "manage.py")
    shutil.copytree(ROOT / "locale", work / "locale", ignore=shutil.ignore_patterns("*.mo"))
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "et", "--no-obsolete", "--no-location"],
        cwd=work, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "oskus.settings.test", "PYTHONPATH": str(work)},
    )
    assert result.returncode == 0, result.stderr
    before = set(parse_po(CATALOGUES["et"]))
    after = set(parse_po(work / "locale" / "et" / "LC_MESSAGES" / "django.po"))
    assert sorted(k.split("\x04")[1] for k in after - before) == []


@pytest.mark.parametrize("lang", ["et", "en", "ru"])
def test_catalogue_passes_msgfmt_check(lang):
    """Format checks of every form: e.g. a Russian plural's first form also serves 21, 31…, so it must carry the
    number placeholder, not the word "one"."""
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUES[lang])],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
