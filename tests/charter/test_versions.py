"""Charter and versions: the state machine, its log, adoption, the published version, drafts' privacy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from maillage.charter import services
from maillage.charter.models import CharterVersion, VersionStatus, VersionTransition
from tests.charter.factories import ArticleFactory, CharterFactory, VersionFactory, adopted_version

pytestmark = pytest.mark.django_db


def test_an_animator_drafts_opens_and_adopts_a_version_every_move_logged(territory, animator):
    version = services.create_version(actor=animator, territory=territory, title="Première charte")
    assert version.number == 1 and version.status == VersionStatus.DRAFT
    services.save_article(actor=animator, version=version, title="Coopérer", body="Nous coopérons.")
    services.save_article(actor=animator, version=version, title="Ancrage local", body="Nous agissons ici.")
    assert [a.position for a in version.articles.all()] == [1, 2]
    services.transition_version(actor=animator, version=version, to_status="open", today=dt.date(2026, 2, 1))
    services.transition_version(
        actor=animator, version=version, to_status="adopted", today=dt.date(2026, 3, 14)
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.ADOPTED
    assert version.adopted_on == dt.date(2026, 3, 14)
    assert version.opened_on == dt.date(2026, 2, 1)
    log = list(
        VersionTransition.objects.filter(version=version).values_list("from_state", "to_state", "actor")
    )
    assert log == [
        ("", "draft", animator.pk),
        ("draft", "open", animator.pk),
        ("open", "adopted", animator.pk),
    ]
    assert CharterVersion.objects.adopted(territory) == version


def test_adopting_the_next_version_supersedes_the_previous_one(territory, animator):
    v1 = adopted_version(territory)
    v2 = services.create_version(actor=animator, territory=territory)
    assert v2.number == 2
    # The new draft copies the articles and keeps their keys (the diff pairs them).
    assert list(v2.articles.values_list("key", flat=True)) == list(v1.articles.values_list("key", flat=True))
    services.transition_version(actor=animator, version=v2, to_status="open")
    services.transition_version(actor=animator, version=v2, to_status="adopted", today=dt.date(2026, 6, 1))
    v1.refresh_from_db()
    assert v1.status == VersionStatus.SUPERSEDED and v1.superseded_on == dt.date(2026, 6, 1)
    assert VersionTransition.objects.filter(version=v1, to_state="superseded").exists()
    assert CharterVersion.objects.adopted(territory) == v2


@pytest.mark.parametrize(
    ("status", "to"),
    [
        ("draft", "adopted"),
        ("draft", "superseded"),
        ("adopted", "open"),
        ("superseded", "adopted"),
        ("open", "open"),
    ],
)
def test_a_transition_outside_the_table_is_refused_and_changes_nothing(territory, animator, status, to):
    version = VersionFactory(charter=CharterFactory(territory=territory), number=1, status=status)
    ArticleFactory(version=version)
    with pytest.raises(ValidationError) as error:
        services.transition_version(actor=animator, version=version, to_status=to)
    assert "pas possible" in error.value.messages[0]
    version.refresh_from_db()
    assert version.status == status
    assert not VersionTransition.objects.exists()


def test_an_empty_version_cannot_be_opened(territory, animator):
    version = services.create_version(actor=animator, territory=territory)
    with pytest.raises(ValidationError, match="sans article"):
        services.transition_version(actor=animator, version=version, to_status="open")


def test_only_one_working_version_at_a_time(territory, animator):
    services.create_version(actor=animator, territory=territory)
    with pytest.raises(ValidationError, match="déjà en cours"):
        services.create_version(actor=animator, territory=territory)
    assert CharterVersion.objects.count() == 1


def test_the_database_keeps_one_adopted_version_per_charter(territory):
    charter = CharterFactory(territory=territory)
    VersionFactory(charter=charter, number=1, status="adopted")
    with pytest.raises(IntegrityError), transaction.atomic():
        VersionFactory(charter=charter, number=2, status="adopted")


def test_only_the_animation_writes_the_charter(territory, manager, animator_other):
    for person in (manager, animator_other):
        with pytest.raises(PermissionDenied):
            services.create_version(actor=person, territory=territory)
    assert not CharterVersion.objects.exists()


def test_an_adopted_version_text_is_frozen(territory, animator):
    version = adopted_version(territory)
    article = version.articles.get()
    with pytest.raises(ValidationError, match="ne peut plus changer"):
        services.save_article(actor=animator, version=version, article=article, title="X", body="Y")
    article.refresh_from_db()
    assert article.title == "Coopérer"


def test_drafts_are_visible_to_the_animation_only(territory, animator, member):
    charter = CharterFactory(territory=territory)
    VersionFactory(charter=charter, number=1, status="draft")
    assert CharterVersion.objects.for_user(member, territory).count() == 0
    assert CharterVersion.objects.for_user(animator, territory).count() == 1


def test_a_draft_page_is_not_found_for_the_public(client, territory):
    VersionFactory(charter=CharterFactory(territory=territory), number=1, status="draft")
    assert client.get("/charte/v1/").status_code == 404


def test_the_charter_page_shows_the_adopted_version_and_the_history(client, territory):
    v1 = adopted_version(territory, adopted_on=dt.date(2025, 3, 14))
    v1.status = "superseded"
    v1.superseded_on = dt.date(2026, 1, 10)
    v1.save()
    adopted_version(territory, number=2, articles=(("Coopérer davantage", "Nous coopérons mieux."),))
    page = client.get("/charte/").content.decode()
    assert "Coopérer davantage" in page
    assert "14 mars 2025" in page and "remplacée le samedi 10 janvier 2026" in page


def test_an_animator_uses_the_management_pages(client, territory, animator):
    client.force_login(animator)
    response = client.post("/charte/gestion/", {"title": "Première charte"})
    assert response.status_code == 302
    version = CharterVersion.objects.get()
    client.post(
        "/charte/gestion/v1/",
        {
            "form": "article",
            "article-title": "Coopérer",
            "article-body": "Nous coopérons.",
            "article-position": "",
        },
    )
    assert version.articles.count() == 1
    client.post("/charte/gestion/v1/open/", {"note": ""})
    client.post("/charte/gestion/v1/adopted/", {"note": "Adoptée en assemblée"})
    version.refresh_from_db()
    assert version.status == "adopted"
    # A transition not in the table: the page says so, the version does not move.
    page = client.get("/charte/gestion/v1/open/").content.decode()
    assert "pas possible" in page
    assert client.post("/charte/gestion/v1/open/", {"note": ""}).status_code == 200
    version.refresh_from_db()
    assert version.status == "adopted"
