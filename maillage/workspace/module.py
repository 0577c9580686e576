"""What the workspace app brings to the registry."""


def register() -> None:
    pass
