"""Factories of the charter's tests."""

from __future__ import annotations

import datetime as dt

import factory

from maillage.charter.models import Article, Charter, CharterVersion, Signature, VersionStatus
from tests.factories import StructureFactory, TerritoryFactory


class CharterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Charter
        django_get_or_create = ("territory",)

    territory = factory.SubFactory(TerritoryFactory)


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CharterVersion

    charter = factory.SubFactory(CharterFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = VersionStatus.DRAFT


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    version = factory.SubFactory(VersionFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Principe {n}")
    body = "Nous coopérons entre structures du territoire."


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    version = factory.SubFactory(VersionFactory, status=VersionStatus.ADOPTED)
    structure = factory.SubFactory(StructureFactory)
    signer_name = "Camille Martin"
    signer_role = "présidente"
    commitment = True
    signed_on = dt.date(2026, 3, 1)


def adopted_version(
    territory,
    *,
    number=1,
    articles=(("Coopérer", "Nous coopérons."),),
    adopted_on=None,
    status=VersionStatus.ADOPTED,
):
    charter = CharterFactory(territory=territory)
    version = VersionFactory(
        charter=charter, number=number, status=status, adopted_on=adopted_on or dt.date(2026, 1, 10)
    )
    for position, (title, body) in enumerate(articles, start=1):
        ArticleFactory(version=version, position=position, title=title, body=body)
    return version
