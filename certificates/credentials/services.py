"""The one write of the credentials: giving a certificate its index in a status list.

An index is allocated once per certificate, the first time its credential is built, and never given to
another certificate (a unique constraint on the list and index backs this). Indexes are drawn at random
among the free ones of the current list (so an index tells nothing about when or to whom it was issued);
a list is filled to half, then the next one is opened, so a random draw rarely meets a taken index.
"""

from __future__ import annotations

import secrets

from django.db import transaction

from ..models import Certificate, StatusList
from .status_list import LIST_SIZE

FILL_LIMIT = LIST_SIZE // 2
_DRAWS = 64


def status_index_ensure(*, certificate: Certificate) -> Certificate:
    """Give `certificate` its status list and index unless it has them; returns it with both set."""
    if certificate.status_list_id is not None:
        return certificate
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status_list_id is None:
            number = StatusList.objects.order_by("-number").values_list("number", flat=True).first() or 1
            while True:  # the newest list with room, its row locked (the next one opened when it is full)
                StatusList.objects.get_or_create(number=number)
                status_list = StatusList.objects.select_for_update().get(number=number)
                if status_list.allocated < FILL_LIMIT:
                    break
                number += 1
            taken = set(Certificate.objects.filter(status_list=status_list)
                        .values_list("status_list_index", flat=True)) if status_list.allocated else set()
            index = next((i for i in (secrets.randbelow(LIST_SIZE) for _ in range(_DRAWS)) if i not in taken),
                         None)
            if index is None:  # pragma: no cover - (1/2) ** 64
                index = min(set(range(LIST_SIZE)) - taken)
            locked.status_list, locked.status_list_index = status_list, index
            locked.save(update_fields=["status_list", "status_list_index"])
            status_list.allocated += 1
            status_list.save(update_fields=["allocated"])
    certificate.status_list_id = locked.status_list_id
    certificate.status_list_index = locked.status_list_index
    return certificate
