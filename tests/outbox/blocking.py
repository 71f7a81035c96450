"""A message builder that blocks until the test opens a gate (a file): used to kill a worker mid-task."""

import time
from pathlib import Path

from django.core.mail import EmailMessage


def build_blocking(*, started: str, gate: str, to: str) -> EmailMessage:
    Path(started).touch()
    while not Path(gate).exists():
        time.sleep(0.05)
    return EmailMessage(subject="Blocking test message", body="Sent once the gate opened.", to=[to])
