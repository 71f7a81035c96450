"""Links other apps add to the trainer's "My cohorts" page (e.g. feedback's results of the trainer's closed
cohorts).

Enrollment names no higher app: each app registers, in its AppConfig.ready, a callable
`provider(*, user, cohorts) -> list[TrainerLink]`, given the cohorts the page lists (so that it can answer for
all of them in one query). A link with a `cohort_id` is shown on that cohort's card, one without at the top of
the page. The provider decides who may see what; the page only shows what it is given.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TrainerLink:
    url: str
    label: str
    cohort_id: int | None = None


_providers: list[Callable] = []


def register(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def links_for(*, user, cohorts) -> tuple[list[TrainerLink], dict[int, list[TrainerLink]]]:
    """The page's own links, and each cohort's (by cohort id), in the order the providers give them."""
    page, per_cohort = [], {}
    for provider in _providers:
        for link in provider(user=user, cohorts=cohorts):
            if link.cohort_id is None:
                page.append(link)
            else:
                per_cohort.setdefault(link.cohort_id, []).append(link)
    return page, per_cohort
