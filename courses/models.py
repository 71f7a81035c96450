"""Course content as Wagtail pages. The page is the course: cohorts point at it (enrollment app)."""

from .catalogue_pages import CourseIndexPage, HomePage  # noqa: F401
from .pages import CoursePage, ProgrammePage, ProgrammePart  # noqa: F401
from .snippets import Provider, TargetGroup, Topic, Venue  # noqa: F401
