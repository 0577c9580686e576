"""What the charter app brings to the registry."""


def register() -> None:
    pass
