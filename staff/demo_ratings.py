"""Demo records of the ratings area."""


def seed(*, stdout, style) -> None:
    pass
