"""Demo records of the care area."""


def seed(*, stdout, style) -> None:
    pass
