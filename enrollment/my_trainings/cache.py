"""A per-person cache of the rendered "My trainings" page, for deployments with a shared cache (Redis).

Why: the list is the page every participant opens most, and rendering it costs a few queries plus one card
per enrollment with its sessions and hours; a person who comes back to it (after enrolling, from an e-mail,
on the phone and then on the desktop) gets the same HTML again.

Correctness comes from the key, never from guessing when to delete an entry. The key holds:
- the schedule version, which rises (now and after the commit) on every change of a cohort, session, venue,
  course page or enrollment of anybody (so waitlist positions and free places are never stale);
- this person's attendance version, which rises after every change of one of their attendance marks;
- the person, the language and the time zone.
An entry also expires at the next moment the list would change by the clock alone (a session starts or
ends, a cancellation deadline passes: `MyTrainings.valid_until`; a prompt stops applying: `Prompt.until`), and at
the latest after MAX_SECONDS. Other apps' prompts are part of the entry; their apps call `person_changed`.
A list with an offered place is not stored (its accept/decline forms carry the visitor's CSRF token).

The entry is the whole page, the site's layout around the list included (rendering the layout cost as much as
the rest of a cached visit): the key also holds what the layout shows besides the list (the navigation's role
links, the address the language switch returns to, a digest of the layout templates and of the static files'
manifest), and the log-out form's CSRF token is a placeholder, ``CSRF_HOLE``, that the view replaces with the
visitor's own token on every answer. A page with a pending flash message is neither served from nor stored in
the cache. The navigation's catalogue link may lag a moved catalogue page by MAX_SECONDS at most.

Off unless `OSKUS_MY_TRAININGS_CACHE` is true (the default when REDIS_URL is set): with a per-process
cache a change made by the task worker would not reach the web process.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import DEFAULT_CACHE_ALIAS, cache
from django.db import transaction
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from courses import cache_writes

from ..models import Enrollment

MAX_SECONDS = 600
CSRF_HOLE = "oskus-csrf-hole-0b5e6f"  # stands for the visitor's CSRF token in a stored page
# The templates of the page around the list (resolved through the template loaders, so overrides count).
LAYOUT_TEMPLATES = ("enrollment/my_trainings.html", "base.html", "includes/header.html", "includes/footer.html",
                    "includes/messages.html", "includes/language_switch.html")
MARKS_KEY = "oskus:my-trainings:marks:{user_id}"
SCHEDULE_KEY = "oskus:my-trainings:schedule"
APP_DIR = Path(__file__).resolve().parent.parent  # the enrollment app
# Everything the rendered list depends on besides the data (the key holds the data's versions).
CODE_FILES = ("templates/enrollment/includes/my_trainings_list.html", "my_trainings/prompts.py",
              "templates/enrollment/includes/session_list.html",
              "templates/enrollment/includes/attendance_progress.html",
              "templatetags/enrollment_tags.py", "templatetags/attendance_tags.py",
              "my_trainings/selectors.py", "attendance/completion.py")


def enabled() -> bool:
    return bool(getattr(settings, "OSKUS_MY_TRAININGS_CACHE", False))


@functools.cache
def _code_version() -> str:
    """A digest of the code that builds the list, so a new release never serves the old release's HTML."""
    digest = hashlib.sha256()
    for path in CODE_FILES:
        digest.update((APP_DIR / path).read_bytes())
    for name in LAYOUT_TEMPLATES:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    digest.update(str(getattr(staticfiles_storage, "manifest_hash", "")).encode())  # the layout's asset URLs
    return digest.hexdigest()[:12]


def _key(user_id: int, marks_version, schedule_version, variant: str) -> str:
    return ":".join(["oskus:my-trainings", _code_version(), str(user_id), translation.get_language() or "",
                     timezone.get_current_timezone_name(), str(schedule_version or 0), str(marks_version or 0),
                     hashlib.sha256(variant.encode()).hexdigest()[:16]])


def get_or_build(user, build, *, wrap=None, variant: str = "") -> str:
    """The person's rendered page: from the cache when the key still matches, otherwise `wrap(build())`.

    `build()` returns (html, trainings); `trainings.valid_until` and `trainings.offered` decide storing.
    `wrap(html)` puts the list into the page (the list alone without it); `variant` is what else the page
    depends on (see the module's docstring).
    """
    wrap = wrap or (lambda html: html)
    if not enabled():
        return wrap(build()[0])
    versions = cache.get_many([MARKS_KEY.format(user_id=user.pk), SCHEDULE_KEY])
    schedule = versions.get(SCHEDULE_KEY)
    if schedule is None:
        token = _new_schedule_version()
        cache.add(SCHEDULE_KEY, token, None)
        schedule = cache.get(SCHEDULE_KEY, token)
    key = _key(user.pk, versions.get(MARKS_KEY.format(user_id=user.pk)), schedule, variant)
    html = cache.get(key)
    if html is not None:
        return mark_safe(html)  # noqa: S308 - stored by this function from a rendered template
    html, trainings = build()
    html = wrap(html)
    if not trainings.offered:
        seconds = MAX_SECONDS
        if trainings.valid_until is not None:
            seconds = min(seconds, (trainings.valid_until - timezone.now()) / dt.timedelta(seconds=1))
        if seconds >= 1:
            cache.set(key, html, int(seconds))
    return html


def _new_schedule_version() -> int:
    return int(timezone.now().timestamp() * 1_000_000)


def schedule_changed() -> None:
    """Any cohort, session, enrollment, venue or course page changed: every stored list is stale after the
    commit (a list is built after reading the version, so one built from the rows before the commit is stored
    under the old version and never served again)."""
    if not enabled():
        return
    # Versions are read before building, so after the commit is enough; with the transaction's other cache writes.
    cache_writes.write_after_commit(DEFAULT_CACHE_ALIAS, {SCHEDULE_KEY: _new_schedule_version})


def _bump_marks(user_id: int) -> None:
    key = MARKS_KEY.format(user_id=user_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, int(timezone.now().timestamp() * 1000), None)


def person_changed(user_id: int) -> None:
    """Something this person's page shows changed (e.g. a prompt of another app): their stored page is stale,
    now and again after the commit, so that a page built from the rows before the commit is never stored
    under the new version."""
    if not enabled():
        return
    _bump_marks(user_id)
    transaction.on_commit(lambda: _bump_marks(user_id))


def attendance_changed(sender, instance, raw=False, **kwargs) -> None:
    """post_save / post_delete of Attendance: the person's hours changed (now, and again after the commit,
    so that a list built from the data before the commit is never stored under the new version)."""
    if raw or not enabled():
        return
    if type(instance).enrollment.is_cached(instance):  # the services load it; no query then
        user_id = instance.enrollment.user_id
    else:
        user_id = Enrollment.objects.filter(pk=instance.enrollment_id).values_list("user_id", flat=True).first()
    if user_id is None:  # the enrollment went too: its deletion raised the schedule version
        return
    person_changed(user_id)
