from __future__ import annotations

import factory
from django.utils import timezone
from django.utils.text import slugify

from maillage.workspace.models import Atelier, AtelierMember, NewsItem
from tests.factories import TerritoryFactory, UserFactory


class AtelierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Atelier

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Atelier {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    purpose = "Travailler ensemble."


class AtelierMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AtelierMember

    atelier = factory.SubFactory(AtelierFactory)
    user = factory.SubFactory(UserFactory)


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsItem

    territory = factory.SubFactory(TerritoryFactory)
    title = factory.Sequence(lambda n: f"Actualité {n}")
    url = factory.Sequence(lambda n: f"https://actualites.example/{n}")
    published_at = factory.LazyFunction(timezone.now)
