"""Benchmark: the project's pages against a minimal Django application and against the project's bare view.

gunicorn (2 workers) on loopback with production settings (bench/settings.py adds only a bare view),
PostgreSQL (database `oskus_bench`, dropped and recreated), Redis as the shared cache, demo data scaled
to 500 courses and 2,000 cohorts (bench/loader.py), wrk as the load generator. The yardstick is a minimal
Django application (bench/minimal_settings.py: SecurityMiddleware and CommonMiddleware, one view returning
"ok", no database) in its own gunicorn with the same worker settings; it and the project's `/bench/bare/` are
measured again right before every page. One line per page:

    page=<name> rps=… p50_ms=… p99_ms=… ratio_to_django=… ratio_to_bare=…

Add pages by appending `PageSpec`s to PAGES (name, URL factory, optional log-in cookie factory, method, body).
Usage: `.venv/bin/python bench/pages.py [--duration 10] [--only catalogue,course]`.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import profile  # noqa: E402
from bench.common import (  # noqa: E402
    PYTHON,
    Context,
    PageSpec,
    bench_env,
    existing_database,
    fresh_database,
    minimal_env,
    run,
    start_gunicorn,
    start_redis,
    stop,
    wrk,
)

LOAD = """
from bench.loader import load
from courses.catalogue_pages import CourseIndexPage
from courses.pages import CoursePage, ProgrammePage
cohort_model = CoursePage.cohorts.field.model
counts = load() if LOAD_DATA else {"courses": CoursePage.objects.count(), "cohorts": cohort_model.objects.count()}
from django.db import connection
with connection.cursor() as cursor:
    # Dead rows cleared and planner statistics, as autovacuum keeps them on a live database: these machines run
    # PostgreSQL with autovacuum off, and a reused database kept every former run's dead rows (bench/README.md).
    cursor.execute("VACUUM (ANALYZE)")
index = CourseIndexPage.objects.first()
course = CoursePage.objects.filter(cohorts__isnull=False).order_by("pk").first()
programme = ProgrammePage.objects.first()
result = {**counts, "catalogue": index.url, "course": course.url, "programme": programme.url,
          "catalogue_filtered": index.url + "?free=on&format=in_person&page=2"}
"""

# --- enrollment: "My trainings" (a person with 15 enrollments) and the enroll POST (a fresh user per request) ---
ENROLL_USERS = 6000
CSRF = "c" * 32  # the CSRF cookie holds the secret; the X-CSRFToken header may carry it unmasked

MY_TRAININGS = """
import datetime as dt
from django.urls import reverse
from django.utils import timezone
from accounts.models import User
from enrollment.models import Cohort, Enrollment, EnrollmentEvent
user, _ = User.objects.get_or_create(email="bench-mine@example.ee", defaults={"full_name": "Mari Mägi"})
for cohort in Cohort.objects.filter(code__startswith="bench-").order_by("pk")[:15]:
    e, made = Enrollment.objects.get_or_create(user=user, cohort=cohort, defaults={"status": "confirmed"})
    if made:
        EnrollmentEvent.objects.create(enrollment=e, from_status="", to_status="confirmed")
result = {"url": reverse("my_trainings")}
"""

ENROLL = f"""
import datetime as dt, secrets
from bench.sessions import logged_in_sessions
from django.urls import reverse
from django.utils import timezone
from accounts.models import Profile, User
from courses.pages import CoursePage
from enrollment.models import Cohort, Session
emails = [f"bench-enroll{{n}}@example.ee" for n in range({ENROLL_USERS})]
have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
User.objects.bulk_create([User(email=e, full_name="Bench", password="!") for e in emails if e not in have])
users = list(User.objects.filter(email__in=emails))
with_profile = set(Profile.objects.filter(user__in=users).values_list("user_id", flat=True))
Profile.objects.bulk_create([Profile(user=u) for u in users if u.pk not in with_profile])
now = timezone.now()
# A reused database holds the enrollments of former runs in the same course (one cohort at a time per course):
# cancel them in bulk, so that every request of this run enrolls (bench data only, no history needed). Only those
# not cancelled yet, and then vacuumed, as autovacuum would: every former run's rows updated again left millions of
# dead rows in the table the enroll POST writes (autovacuum is off on these machines).
from django.db import connection
from enrollment.models import Enrollment
(Enrollment.objects.filter(cohort__code__startswith="bench-enroll-").exclude(status="cancelled")
 .update(status="cancelled"))
with connection.cursor() as cursor:
    cursor.execute(f"VACUUM (ANALYZE) {{Enrollment._meta.db_table}}")
course = CoursePage.objects.filter(eligible_counties__isnull=True).order_by("pk").first()
cohort = Cohort.objects.create(course=course, code="bench-enroll-" + secrets.token_hex(4), capacity=100,
                               registration_opens=now - dt.timedelta(days=1),
                               registration_closes=now + dt.timedelta(days=10))
Session.objects.create(cohort=cohort, starts_at=now + dt.timedelta(days=20),
                       ends_at=now + dt.timedelta(days=20, hours=6))
keys = logged_in_sessions(users)
result = {{"url": reverse("enroll", args=[cohort.pk]), "sessions": keys}}
"""


# --- the personal calendar feed re-polled by a calendar app: If-None-Match of the current version, 304 ---
FEED = """
from django.urls import reverse
from accounts.models import Profile, User
from enrollment.models import Cohort, Enrollment, EnrollmentEvent
user, _ = User.objects.get_or_create(email="bench-feed@example.ee", defaults={"full_name": "Mari Mägi"})
profile, _ = Profile.objects.get_or_create(user=user)
cohorts = list(Cohort.objects.filter(code__startswith="bench-").order_by("pk")[15:30])
for cohort in cohorts[:10]:
    e, made = Enrollment.objects.get_or_create(user=user, cohort=cohort, defaults={"status": "confirmed"})
    if made:
        EnrollmentEvent.objects.create(enrollment=e, from_status="", to_status="confirmed")
for cohort in cohorts[10:]:
    cohort.trainers.add(user)
result = {"url": reverse("personal_feed", kwargs={"token": profile.calendar_token})}
"""


def _feed_url(ctx: Context) -> str:
    """The feed of a person attending 10 cohorts and teaching 5; its current ETag goes into the Lua script."""
    path = ctx.django(FEED)["url"]
    with urllib.request.urlopen(ctx.base + path) as response:  # noqa: S310 - loopback only
        response.read()
        ctx.data["feed_304"] = {"etag": response.headers["ETag"]}
    request = urllib.request.Request(ctx.base + path, headers={"If-None-Match": ctx.data["feed_304"]["etag"]})  # noqa: S310 - loopback only
    try:
        urllib.request.urlopen(request).close()  # noqa: S310 - loopback only
    except urllib.error.HTTPError as answer:
        if answer.code == 304:
            return path
    raise SystemExit("feed_304: the feed does not answer its own ETag with 304")


def _feed_lua(ctx: Context) -> str:
    return f'wrk.headers["If-None-Match"] = {json.dumps(ctx.data["feed_304"]["etag"])}\n'


def _my_trainings(ctx: Context) -> str:
    ctx.data["my_trainings"] = ctx.django(MY_TRAININGS)["url"]
    return ctx.data["my_trainings"]


def _enroll_url(ctx: Context) -> str:
    ctx.data["enroll"] = ctx.django(ENROLL)
    return ctx.data["enroll"]["url"]


def _enroll_lua(ctx: Context) -> str:
    """Each request logs in as the next never-used user (wrk threads take interleaved slices of the list)."""
    cookies = ",".join(f'"sessionid={key}; csrftoken={CSRF}"' for key in ctx.data["enroll"]["sessions"])
    return (
        "local cookies = {" + cookies + "}\n"
        "local counter, nthreads = 0, 0\n"
        "function setup(thread) thread:set('tid', nthreads); nthreads = nthreads + 1 end\n"
        "function init(args) n = 0 end\n"
        "function request()\n"
        "  n = n + 1\n"
        "  local index = ((n - 1) * 2 + tid) % #cookies + 1\n"
        "  wrk.headers['Cookie'] = cookies[index]\n"
        "  return wrk.format('POST')\n"
        "end\n"
    )


PAGES: list[PageSpec] = [
    PageSpec("bare", lambda ctx: "/bench/bare/"),
    PageSpec("catalogue", lambda ctx: ctx.data["catalogue"]),
    PageSpec("catalogue_filtered", lambda ctx: ctx.data["catalogue_filtered"]),
    PageSpec("course", lambda ctx: ctx.data["course"]),
    PageSpec("programme", lambda ctx: ctx.data["programme"]),
    PageSpec("my_trainings", _my_trainings, cookie=lambda ctx: ctx.login_cookie("bench-mine@example.ee")),
    PageSpec("feed_304", _feed_url, lua=_feed_lua),
    PageSpec("enroll", _enroll_url, method="POST", body=lambda ctx: "agree=on", lua=_enroll_lua,
             headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": CSRF}),
]


def _mean(runs: list[dict]) -> dict:
    return {key: sum(r[key] for r in runs) / len(runs) for key in runs[0]}


def print_results(results: dict, djangos: dict, bares: dict) -> None:
    """One line per page; `django` and `bare` show the mean of their runs (each ratio uses its adjacent run)."""
    django_mean, bare_mean = _mean(list(djangos.values())), _mean(list(bares.values()))
    lines = {"django": (django_mean, django_mean, bare_mean), "bare": (bare_mean, django_mean, bare_mean)}
    lines.update({name: (r, djangos[name], bares[name]) for name, r in results.items()})
    for name, (r, django, bare) in lines.items():
        line = (f"page={name} rps={r['rps']:.1f} p50_ms={r['p50_ms']:.2f} p99_ms={r['p99_ms']:.2f} "
                f"ratio_to_django={r['rps'] / django['rps']:.2f} ratio_to_bare={r['rps'] / bare['rps']:.2f}")
        if name not in ("django", "bare"):
            line += f" django_rps={django['rps']:.0f}"  # the adjacent yardstick: it drifts by a third
        if r["non_2xx"]:
            line += f" non_2xx={r['non_2xx']:.0f}"
        print(line, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--only", default="", help="comma-separated page names (bare always runs)")
    parser.add_argument("--reuse-db", action="store_true", help="keep the loaded oskus_bench database of a former run")
    parser.add_argument("--profile", action="store_true",
                        help="record one worker per page with py-spy (bench/results/<page>.txt) and print a summary")
    args = parser.parse_args()
    wanted = {name for name in args.only.split(",") if name}

    redis = gunicorn = minimal = None
    try:
        redis, redis_url = start_redis()
        env = bench_env(existing_database() if args.reuse_db else fresh_database(), redis_url)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)  # a reused database may lag behind
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
        data = Context(base="", env=env).django(f"LOAD_DATA = {not args.reuse_db}\n" + LOAD)
        print(f"# data: {data['courses']} courses, {data['cohorts']} cohorts", file=sys.stderr)
        gunicorn, base = start_gunicorn(env)
        minimal, minimal_base = start_gunicorn(minimal_env(env), app="bench.minimal_wsgi")
        context = Context(base=base, env=env, data=data)
        django_spec = PageSpec("django", lambda ctx: "/")
        bare_spec = next(spec for spec in PAGES if spec.name == "bare")
        pages = [spec for spec in PAGES if spec.name != "bare" and (not wanted or spec.name in wanted)]
        results, djangos, bares = {}, {}, {}
        # Warm both servers (imports, connections, first-request work of every worker) with a discarded run:
        # otherwise the first yardstick measured is a cold one and flatters the first page's ratio.
        wrk(minimal_base + "/", django_spec, context, duration=2)
        wrk(base + bare_spec.url(context), bare_spec, context, duration=2)
        for spec in pages or [bare_spec]:
            url = base + spec.url(context)  # set-up (data, cookies) before the yardsticks run
            # Both yardsticks are measured right before each page, so a busy machine slows all three alike.
            djangos[spec.name] = wrk(minimal_base + "/", django_spec, context, duration=args.duration)
            bares[spec.name] = wrk(base + bare_spec.url(context), bare_spec, context, duration=args.duration)
            if spec is not bare_spec:
                spy = profile.record(profile.worker_pids(gunicorn.pid)[0], spec.name, args.duration) \
                    if args.profile else None
                results[spec.name] = wrk(url, spec, context, duration=args.duration)
                if spy is not None:
                    spy.wait()
                    print(profile.summarise(profile.RESULTS / f"{spec.name}.txt"), file=sys.stderr)
        print_results(results, djangos, bares)
    finally:
        stop(gunicorn)
        stop(minimal)
        stop(redis)
    return 0


if __name__ == "__main__":
    sys.exit(main())
