"""Prompts other apps show at the top of "My trainings" (e.g. feedback's "please answer the questionnaire").

Enrollment names no higher app: each app registers, in its AppConfig.ready, a callable `provider(user) ->
list[Prompt]`. Prompts are part of the person's cached page (my_trainings/cache.py): a provider gives each
prompt the moment it stops applying (`until`), and tells the cache when its data changes
(`cache.person_changed(user_id)` for one person, `cache.schedule_changed()` for everybody).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Prompt:
    text: str
    url: str
    link_label: str
    until: dt.datetime | None = None  # when the prompt stops applying by the clock alone (None: only on a change)


_providers: list[Callable] = []


def register(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def prompts_for(user) -> list[Prompt]:
    found = []
    for provider in _providers:
        found.extend(provider(user))
    return found


def prompts_until(found: list[Prompt]) -> dt.datetime | None:
    """The first moment one of these prompts stops applying by the clock (None: none does)."""
    return min((prompt.until for prompt in found if prompt.until is not None), default=None)
