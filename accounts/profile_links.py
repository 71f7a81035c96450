"""Links on the profile page to settings that other apps own (e.g. the calendar feed of enrollment).

Accounts is the lowest layer and names no page of a higher app: each app registers its links in its
AppConfig.ready with ``register(url_name, label)``; the profile page lists them in that order.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class ProfileLink:
    url_name: str
    label: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_links: list[ProfileLink] = []


def register(url_name: str, label) -> None:
    if all(link.url_name != url_name for link in _links):
        _links.append(ProfileLink(url_name=url_name, label=label))


def profile_links() -> list[ProfileLink]:
    return list(_links)
