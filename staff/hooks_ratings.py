"""What the ratings area registers at start-up (outbox kinds, my work, home cards, tabs)."""


def register() -> None:
    pass
