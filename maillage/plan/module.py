"""What the plan app brings to the registry."""


def register() -> None:
    pass
