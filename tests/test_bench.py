"""The benchmarks' own machinery keeps working (they run outside the test suite, so nothing else would notice)."""

import pytest

from bench import profile
from bench.common import bench_env


def test_the_profile_summary_counts_inclusive_and_self_samples(tmp_path):
    raw = tmp_path / "page.txt"
    raw.write_text("main (app.py:1);view (views.py:5);query (db.py:9) 3\n"
                   "main (app.py:1);view (views.py:5) 1\n"
                   "main (app.py:1);render (t.py:2) 4\n")
    summary = profile.summarise(raw)
    assert "# page: 8 samples" in summary
    assert "100.0    0.0  main (app.py)" in summary
    assert " 50.0   12.5  view (views.py)" in summary
    assert " 50.0  render (t.py)" in summary.split("top self time:")[1]


def test_the_bench_environment_can_start_production_settings():
    env = bench_env("postgres://postgres@127.0.0.1:5432/x", "redis://127.0.0.1:1/0")
    assert env["DJANGO_SETTINGS_MODULE"] == "bench.settings" and len(env["CREDENTIALS_SIGNING_KEY"]) >= 43


@pytest.mark.django_db
def test_the_bench_loader_builds_courses_cohorts_and_enrollments(site_tree):
    from bench.loader import load
    from courses import demo as courses_demo
    from courses.pages import CoursePage

    courses_demo.load()  # the loader starts from the demo (idempotent), then adds courses up to the number asked
    counts = load(courses=CoursePage.objects.count() + 2, cohorts=6)
    assert counts["cohorts"] >= 6
    assert CoursePage.objects.filter(slug__startswith="bench-koolitus-").count() == 2
