from django import template

from maillage.calls.services.common import euros

register = template.Library()


@register.filter(name="euros")
def euros_filter(value: object) -> str:
    return euros(value)  # type: ignore[arg-type]
