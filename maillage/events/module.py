"""What the events app brings to the registry."""


def register() -> None:
    pass
