"""Prompts other apps show at the top of "My trainings" (e.g. feedback's "please answer the questionnaire").

Enrollment names no higher app: each app registers, in its AppConfig.ready, a callable `provider(user) ->
list[Prompt]`. Prompts are read on every visit, outside the page's per-person cache.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Prompt:
    text: str
    url: str
    link_label: str


_providers: list[Callable] = []


def register(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def prompts_for(user) -> list[Prompt]:
    found = []
    for provider in _providers:
        found.extend(provider(user))
    return found
