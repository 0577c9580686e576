"""The categories of needs of a territory (seeded with defaults, edited by the animation), and the register's
settings (the atelier whose members may qualify needs)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from maillage.core.actors import Actor
from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.needs.models import NeedCategory, RegisterSettings
from maillage.needs.permissions import ATELIER_GROUP, require_animator
from maillage.needs.services.common import clean_text, seed_categories


@transaction.atomic
def ensure_categories(*, actor: Actor, territory: Territory) -> list[NeedCategory]:
    """The territory's categories, the defaults written the first time."""
    require_animator(actor, territory)
    seed_categories(territory)
    return list(NeedCategory.objects.filter(territory=territory))


@transaction.atomic
def add_category(*, actor: Actor, territory: Territory, label: str) -> NeedCategory:
    require_animator(actor, territory)
    seed_categories(territory)
    label = clean_text(label, "label", "L'intitulé de la catégorie", limit=80)
    slug = slugify(label)[:80]
    if not slug:
        raise ValidationError({"label": "Écrivez un intitulé avec au moins une lettre ou un chiffre."})
    if NeedCategory.objects.filter(territory=territory, slug=slug).exists():
        raise ValidationError({"label": f"La catégorie « {label} » existe déjà."})
    last = NeedCategory.objects.filter(territory=territory).order_by("-position").first()
    return NeedCategory.objects.create(
        territory=territory, label=label, slug=slug, position=(last.position + 1) if last else 0
    )


@transaction.atomic
def update_category(*, actor: Actor, category: NeedCategory, label: str, is_active: bool) -> NeedCategory:
    """Rename a category, or stop offering it (needs already filed under it keep it)."""
    require_animator(actor, category.territory)
    label = clean_text(label, "label", "L'intitulé de la catégorie", limit=80)
    if (
        NeedCategory.objects.filter(territory=category.territory, label=label)
        .exclude(pk=category.pk)
        .exists()
    ):
        raise ValidationError({"label": f"La catégorie « {label} » existe déjà."})
    category.label = label
    category.is_active = is_active
    category.save(update_fields=["label", "is_active"])
    return category


@transaction.atomic
def set_needs_atelier(*, actor: Actor, territory: Territory, slug: str) -> RegisterSettings:
    """Name the atelier whose members may qualify needs ("" to name none): a current atelier of the
    territory, among those core's registry lists."""
    require_animator(actor, territory)
    slug = (slug or "").strip()
    if slug and slug not in dict(registry.groups(ATELIER_GROUP, territory)):
        raise ValidationError({"atelier": "Choisissez un atelier en cours du territoire."})
    settings, _ = RegisterSettings.objects.update_or_create(
        territory=territory, defaults={"atelier_slug": slug}
    )
    return settings
