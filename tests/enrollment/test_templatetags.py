"""The memoised session list and hours bar: the same values give the same HTML, different values never do."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.template import Context, Template
from django.utils import timezone, translation

from enrollment.attendance.completion import CourseProgress


def _bar(**values) -> str:
    progress = CourseProgress(**{"enrollment": None, "course": None, "attended_hours": Decimal("0"),
                                 "total_hours": Decimal("16"), "required_percent": 80, **values})
    return Template("{% load attendance_tags %}{% attendance_progress None progress %}").render(
        Context({"progress": progress}))


def test_bars_whose_numbers_are_equal_but_print_differently_are_not_mixed_up():
    """Decimal("0") == Decimal("0.0"), yet one is shown as "0" and the other as "0,0"."""

    def shown(percent) -> str:
        progress = SimpleNamespace(attended_display="0", total_display="0", percent=percent, bar_percent=0,
                                   required_percent=80, mandatory_missed_held=[])
        return Template("{% load attendance_tags %}{% attendance_progress None progress %}").render(
            Context({"progress": progress}))

    assert "(0,0 %, vaja 80 %)" in shown(Decimal("0.0"))
    assert "(0 %, vaja 80 %)" in shown(Decimal("0"))


def test_the_bar_follows_the_language_and_the_numbers():
    assert "8 / 16 t osaletud (50,0 %, vaja 80 %)" in _bar(attended_hours=Decimal("8"))
    with translation.override("en"):
        english = _bar(attended_hours=Decimal("8"))
    assert "8 of 16 h attended (50.0 %, 80 % needed)" in english
    assert '<rect width="50" height="1">' in english
    assert "12 / 16 t osaletud (75,0 %" in _bar(attended_hours=Decimal("12"))


class _Session:
    """Stands in for a Session with its venue loaded (the tag reads only these attributes)."""

    def __init__(self, pk, starts_at, *, title="", status="scheduled", online_url=""):
        self.pk, self.starts_at, self.ends_at = pk, starts_at, starts_at + dt.timedelta(hours=2)
        self.title, self.status, self.online_url, self.venue_id = title, status, online_url, None


def _list(sessions) -> str:
    return Template("{% load enrollment_tags %}{% session_list sessions %}").render(Context({"sessions": sessions}))


def test_the_session_list_follows_the_time_zone_the_language_and_every_shown_field():
    start = timezone.make_aware(dt.datetime(2027, 2, 1, 10), timezone=dt.UTC)
    assert '<time datetime="2027-02-01T12:00:00+02:00">esmasp. 1. veebruar 2027, 12:00</time>' in _list(
        [_Session(1, start)])
    with timezone.override("UTC"):
        assert '<time datetime="2027-02-01T10:00:00+00:00">' in _list([_Session(1, start)])
    with translation.override("en"):
        assert "Mon 1. February 2027, 12:00" in _list([_Session(1, start)])
    assert " · Sissejuhatus" in _list([_Session(1, start, title="Sissejuhatus")])
    assert '<span class="badge badge-bad">Tühistatud</span>' in _list([_Session(1, start, status="cancelled")])
    assert '<span class="muted">Veebis</span>' in _list([_Session(1, start, online_url="https://x.example")])
    assert "Sissejuhatus" not in _list([_Session(1, start)])
