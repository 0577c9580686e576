"""What the charter brings to the registry: metric, link targets, the lettre's block, the directory's
badge, personal data (export and erasure, the log included), the demo."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from maillage.charter import services
from maillage.charter.models import Amendment, CharterVersion, Comment, Signature, SignatureTransition
from maillage.core.registry import registry
from maillage.events.models import Event
from tests.charter.factories import SignatureFactory, adopted_version
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


def test_the_metric_counts_structures_signed_during_the_period(territory):
    version = adopted_version(territory)
    a = StructureFactory(territory=territory)
    b = StructureFactory(territory=territory)
    SignatureFactory(version=version, structure=a, signed_on=dt.date(2026, 2, 1))
    SignatureFactory(
        version=version,
        structure=b,
        signed_on=dt.date(2026, 2, 1),
        status="withdrawn",
        withdrawn_on=dt.date(2026, 3, 1),
    )
    metric = registry.metric("charter_signatories")
    assert metric.compute(territory, dt.date(2026, 1, 1), dt.date(2026, 1, 31)) == 0
    assert metric.compute(territory, dt.date(2026, 2, 1), dt.date(2026, 2, 28)) == 2
    assert metric.compute(territory, dt.date(2026, 4, 1), dt.date(2026, 4, 30)) == 1


def test_link_targets_point_to_the_charter_and_its_versions(territory):
    version = adopted_version(territory)
    charter_target = registry.link_targets["charter"]
    assert charter_target.choices(territory) == [(version.charter.pk, version.charter.title)]
    assert charter_target.url(version.charter) == "/charte/"
    version_target = registry.link_targets["charter_version"]
    assert version_target.choices(territory) == [(version.pk, "Charte — version 1 (adoptée)")]
    assert version_target.url(version) == "/charte/v1/"


def test_the_lettre_block_lists_new_signatories(territory):
    version = adopted_version(territory)
    SignatureFactory(version=version, structure=StructureFactory(territory=territory, name="A <b>"))
    build = registry.content_providers["charter_latest_signatories"].build
    block = build(territory=territory, since=dt.date(2026, 2, 1), options={})
    assert "A &lt;b&gt;" in block.html and "A <b>" in block.text
    assert build(territory=territory, since=dt.date(2026, 4, 1), options={}) is None


def test_the_directory_badge_lists_signatories_of_the_adopted_version(territory, structure):
    SignatureFactory(version=adopted_version(territory), structure=structure)
    badge = registry.structure_badges["charter"]
    assert list(badge.structure_ids(territory)) == [structure.pk]


def test_personal_data_export_and_erase_leave_no_trace_of_the_name(territory, structure, manager, animator):
    manager.first_name, manager.last_name = "Ondine", "Vasseur"
    manager.save()
    v1 = adopted_version(territory)
    signature = services.sign_charter(
        actor=manager,
        version=v1,
        structure=structure,
        signer_name="Ondine Vasseur",
        signer_role="présidente",
        commitment=True,
    )
    services.withdraw_signature(actor=manager, signature=signature, reason="Erreur")
    services.sign_charter(
        actor=manager,
        version=v1,
        structure=structure,
        signer_name="Ondine Vasseur",
        signer_role="p",
        commitment=True,
    )
    v2 = services.create_version(actor=animator, territory=territory)
    services.transition_version(actor=animator, version=v2, to_status="open")
    article = v2.articles.first()
    services.comment_article(actor=manager, article=article, body="Signé Ondine Vasseur")
    services.propose_amendment(
        actor=manager, version=v2, article_id=article.pk, text="Autre", rationale="Ondine"
    )
    hook = registry.personal_data["charter"]
    exported = hook.export(manager)
    assert [s["nom_publie"] for s in exported["signatures_de_la_charte"]] == [
        "Ondine Vasseur",
        "Ondine Vasseur",
    ]
    assert exported["commentaires_sur_la_charte"][0]["texte"] == "Signé Ondine Vasseur"
    hook.erase(manager)
    assert Signature.objects.count() == 2  # the structure's commitment stays
    assert not Signature.objects.filter(signer_name__icontains="Vasseur").exists()
    assert not Signature.objects.filter(signed_by=manager).exists()
    assert not SignatureTransition.objects.filter(actor=manager).exists()
    assert not Comment.objects.exists()
    assert Amendment.objects.get().author is None
    out = io.StringIO()
    call_command("dumpdata", "charter", stdout=out)
    assert "Vasseur" not in out.getvalue()


def run_demo(today: dt.date) -> None:
    """The foundation's loaders (territories, people, structures) then the charter's."""
    context: dict = {"today": today, "logins": []}
    for loader in registry.ordered_demo_loaders():
        if loader.order <= 25 or loader.key == "charter_demo":
            loader.load(today=today, context=context)


def test_the_demo_loader_tells_the_story_and_is_idempotent(db):
    run_demo(dt.date(2026, 11, 20))
    versions = list(
        CharterVersion.objects.filter(charter__territory__slug="pays-de-grasse").order_by("number")
    )
    assert [v.status for v in versions] == ["superseded", "adopted", "open"]
    ceremony = Event.objects.get(territory__slug="pays-de-grasse", title="Rendez-vous de la charte")
    assert (ceremony.kind, ceremony.status, ceremony.commune.name) == ("pleniere", "published", "Grasse")
    assert timezone.localtime(ceremony.start).date() == versions[0].adopted_on  # past, on the adoption day
    assert Signature.objects.filter(version=versions[0], ceremony=ceremony).count() >= 2
    assert not Signature.objects.filter(version=versions[1], ceremony__isnull=False).exists()
    assert Signature.objects.filter(version=versions[1]).exists()
    assert Amendment.objects.filter(article__version=versions[2]).count() == 3
    assert versions[0].adopted_on == dt.date(2025, 11, 6)  # early in the contract (started 2025-09-01)
    assert versions[2].opened_on == dt.date(2026, 10, 26)
    count = Signature.objects.count()
    events = Event.objects.count()
    run_demo(dt.date(2026, 11, 20))
    assert Signature.objects.count() == count
    assert Event.objects.count() == events  # the ceremony is found again, not created twice
