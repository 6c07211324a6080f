"""What the reports app adds to lower apps' pages and to the outbox, registered at start-up.

Nothing imports ``reports``: it shows itself on the start page, in "my work" and in the
outbox through the registration hooks those apps offer.
"""

AREAS: list = []


def register() -> None:
    for area in AREAS:
        area.register()
