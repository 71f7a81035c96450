"""Feedback after training and follow-up questionnaires months later (issue 18).

`personal_data(user)` is the app's answer to "what do you hold about this person" (My data export, erasure):
the person's NAMED answers as plain dicts. Anonymous answers are not personal data of anyone: nothing links
them to a person (see models.AnonymousResponse).
"""


def personal_data(user) -> list[dict]:
    from .selectors import personal_data as _personal_data

    return _personal_data(user)
