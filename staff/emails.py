"""The staff app's e-mails, sent from the outbox: ``staff.<area>.<what>`` goes to ``staff/emails_<area>.py``."""

from importlib import import_module

AREAS = ("ratings", "training", "rewards", "care")


def deliver(kind: str, object_id: int, extra: dict) -> int:
    """Send the outbox's staff notification ``kind`` through its area's ``deliver``; return the count sent."""
    area = kind.partition(".")[0]  # the outbox passes the kind without its "staff." prefix: "training.reminder"
    if area not in AREAS:
        raise ValueError(f"unknown staff notification {kind!r}")
    return import_module(f"staff.emails_{area}").deliver(kind, object_id, extra)
