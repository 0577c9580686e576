from __future__ import annotations

import factory
from django.utils import timezone

from maillage.newsletter.models import Issue, Subscriber
from tests.factories import TerritoryFactory


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    territory = factory.SubFactory(TerritoryFactory)
    email = factory.Sequence(lambda n: f"abonne{n}@example.org")
    consent_text = "J'accepte."
    consent_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    territory = factory.SubFactory(TerritoryFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Numéro {n}")
    blocks = factory.LazyFunction(
        lambda: [
            {
                "provider": "newsletter.editorial",
                "title": "Éditorial",
                "html": "<p>Bonjour</p>",
                "text": "Bonjour",
            }
        ]
    )
