"""Factories shared by every app's tests (apps add their own in tests/<app>/factories.py)."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.utils.text import slugify

from maillage.accounts.models import TerritoryRole, User
from maillage.actors.models import Membership, Structure
from maillage.core.models import Commune, Domain, Territory


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Territoire {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    contract_name = "Contrat local de développement de l'ESS"
    canonical_url = factory.LazyAttribute(lambda o: f"https://{o.slug}.example.org")


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ("name",)

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"t{n}.example.org")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("insee_code",)

    insee_code = factory.Sequence(lambda n: f"{6000 + n:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    postal_codes = factory.LazyFunction(lambda: ["06130"])
    latitude = 43.66
    longitude = 6.92


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", "motdepasse-solide-42")

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create:
            self.save()
            if extracted is not False:
                EmailAddress.objects.get_or_create(
                    user=self, email=self.email, defaults={"verified": True, "primary": True}
                )


class TerritoryRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritoryRole

    user = factory.SubFactory(UserFactory)
    territory = factory.SubFactory(TerritoryFactory)
    role = TerritoryRole.Role.ANIMATOR


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Structure {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    status = Structure.Status.PUBLISHED
    family = Structure.Family.ASSOCIATION


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    role = Membership.Role.MANAGER
