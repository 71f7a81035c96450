"""Course content as Wagtail pages. The page is the course: cohorts point at it (enrollment app)."""

from .pages import CourseIndexPage, CoursePage, HomePage, ProgrammePage, ProgrammePart  # noqa: F401
from .snippets import Provider, TargetGroup, Topic, Venue  # noqa: F401
