"""Demo records of the rewards area."""


def seed(*, stdout, style) -> None:
    pass
