"""What the survey adds to lower apps' pages and to the outbox, registered at start-up."""


def register() -> None:
    pass
