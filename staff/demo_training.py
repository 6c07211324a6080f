"""Demo records of the training area."""


def seed(*, stdout, style) -> None:
    pass
