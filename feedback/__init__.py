"""Feedback after training and follow-up questionnaires months later (issue 18).

`personal_data(user)` is the app's answer to "what do you hold about this person" (My data export, erasure):
the person's NAMED answers as plain dicts. Anonymous answers are not personal data of anyone: nothing links
them to a person (see models.AnonymousResponse). `invitations_data(user)` and `personal_data_erase(user, erasure)`
complete the export and the erasure (privacy/registry.py).
"""


def personal_data(user) -> list[dict]:
    from .selectors import personal_data as _personal_data

    return _personal_data(user)


def invitations_data(user) -> list[dict]:
    from .selectors import invitations_data as _invitations_data

    return _invitations_data(user)


def personal_data_erase(user, erasure=None) -> None:
    from .services import personal_data_erase as _personal_data_erase

    _personal_data_erase(user)
