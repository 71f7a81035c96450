"""The one write of the credentials: giving a certificate's current version its entry in a status list.

An entry (list and index) is allocated once per certificate version, the first time that version's credential
is built, and never given to anything else (unique constraints back this). Indexes are drawn at random among the
free ones of the current list (so an index tells nothing about when or to whom it was issued); a list is filled
to half, then the next one is opened, so a random draw rarely meets a taken index.
"""

from __future__ import annotations

import secrets

from django.db import transaction

from ..models import Certificate, CredentialStatusEntry, StatusList
from .status_list import LIST_SIZE

FILL_LIMIT = LIST_SIZE // 2
_DRAWS = 64


def _current(certificate: Certificate) -> CredentialStatusEntry | None:
    return CredentialStatusEntry.objects.filter(certificate_id=certificate.pk, version=certificate.version).first()


def status_entry_ensure(*, certificate: Certificate) -> CredentialStatusEntry:
    """The status list entry of `certificate`'s current version, allocated if it has none yet."""
    entry = _current(certificate)
    if entry is not None:
        return entry
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        entry = _current(certificate)
        if entry is not None:
            return entry
        number = StatusList.objects.order_by("-number").values_list("number", flat=True).first() or 1
        while True:  # the newest list with room, its row locked (the next one opened when it is full)
            StatusList.objects.get_or_create(number=number)
            status_list = StatusList.objects.select_for_update().get(number=number)
            if status_list.allocated < FILL_LIMIT:
                break
            number += 1
        taken = set(status_list.entries.values_list("index", flat=True)) if status_list.allocated else set()
        index = next((i for i in (secrets.randbelow(LIST_SIZE) for _ in range(_DRAWS)) if i not in taken), None)
        if index is None:  # pragma: no cover - (1/2) ** 64
            index = min(set(range(LIST_SIZE)) - taken)
        entry = CredentialStatusEntry.objects.create(status_list=status_list, index=index, certificate=certificate,
                                                     version=certificate.version)
        status_list.allocated += 1
        status_list.save(update_fields=["allocated"])
    return entry
