"""What the newsletter app brings to the registry."""


def register() -> None:
    pass
