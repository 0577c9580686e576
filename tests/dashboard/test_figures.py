"""The territory's figures: what each section counts, the jobs estimate, the year filter, and the registry's
metrics drawn generically."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.actors.models import Structure, StructureSector
from maillage.core.actors import SYSTEM
from maillage.core.registry import Metric, Registry, registry
from maillage.dashboard import figures, services
from maillage.dashboard.models import FigureSnapshot
from tests.factories import CommuneFactory, StructureFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


def section(sections, key):
    return next(s for s in sections if s["key"] == key)


@pytest.fixture
def directory(territory, other_territory):
    grasse = territory.communes.get()
    mouans = CommuneFactory(insee_code="06084", name="Mouans-Sartoux")
    made = [
        StructureFactory(territory=territory, family="association", commune=grasse, workforce_band="02"),
        StructureFactory(territory=territory, family="association", commune=grasse, workforce_band="11"),
        StructureFactory(
            territory=territory,
            family="cooperative",
            commune=mouans,
            workforce_band="NN",
            inclusion_kind="EI",
        ),
        StructureFactory(
            territory=territory, family="cooperative", inclusion_kind="ACI", workforce_band="02"
        ),
        # not counted: pending, or of another territory
        StructureFactory(territory=territory, family="mutuelle", status=Structure.Status.PENDING),
        StructureFactory(territory=other_territory, family="mutuelle", workforce_band="53"),
    ]
    StructureSector.objects.create(structure=made[0], sector="reemploi")
    StructureSector.objects.create(structure=made[1], sector="reemploi")
    StructureSector.objects.create(structure=made[1], sector="culture")
    return made


def test_structures_by_family_inclusion_sector_and_commune(territory, directory):
    sections = figures.compute_sections(territory, 0, TODAY)
    assert section(sections, "familles")["rows"] == [["Association", 2], ["Coopérative", 2]]
    assert section(sections, "familles")["total"] == 4
    assert section(sections, "inclusion")["rows"] == [
        ["Atelier et chantier d'insertion (ACI)", 1],
        ["Entreprise d'insertion (EI)", 1],
    ]
    assert section(sections, "secteurs")["rows"] == [
        ["Réemploi, recyclage et déchets", 2],
        ["Culture, sport et loisirs", 1],
    ]
    assert section(sections, "communes")["rows"] == [
        ["Grasse", 2],
        ["Commune non renseignée", 1],
        ["Mouans-Sartoux", 1],
    ]


def test_jobs_are_estimated_from_the_band_midpoints_with_the_method_stated(territory, directory):
    jobs = section(figures.compute_sections(territory, 0, TODAY), "emplois")
    # two structures of « 3 à 5 » (4 each), one of « 10 à 19 » (14.5 -> 14 after rounding the band's total),
    # one without a band (counted as a structure, no job); the other territory's 10,000 are not there
    assert jobs["rows"] == [
        ["Non renseigné ou sans salarié au 31/12", 1, 0],
        ["3 à 5 salariés", 2, 8],
        ["10 à 19 salariés", 1, 14],
    ]
    assert jobs["total"] == 22
    assert "milieu de sa tranche" in jobs["method"]


def test_the_year_filter_counts_structures_present_at_the_end_of_the_year(territory, directory):
    old = directory[0]
    Structure.objects.filter(pk=old.pk).update(created_at=timezone.make_aware(dt.datetime(2023, 3, 1)))
    Structure.objects.exclude(pk=old.pk).update(created_at=timezone.make_aware(dt.datetime(2025, 5, 1)))
    assert section(figures.compute_sections(territory, 2023, TODAY), "familles")["rows"] == [
        ["Association", 1]
    ]
    assert section(figures.compute_sections(territory, 2025, TODAY), "familles")["total"] == 4


def test_every_registered_metric_is_drawn_and_a_failing_one_shows_unavailable(territory):
    def broken(territory, start, end):
        raise RuntimeError("boom")

    seen = []

    def purchases(t, start, end):
        seen.append((t, start, end))
        return 12

    fresh = Registry()
    fresh.add_metric(
        Metric(key="procurement.spend", label="Achats responsables", unit="€", compute=purchases)
    )
    fresh.add_metric(Metric(key="needs.open", label="Besoins ouverts", unit="besoins", compute=broken))
    with registry.override(fresh):
        sections = figures.compute_sections(territory, 2025, TODAY)
    rows = section(sections, "indicateurs")["rows"]
    assert rows[0][:3] == ["Achats responsables", 12, "€"]
    assert rows[1][:3] == ["Besoins ouverts", None, "besoins"]
    assert (territory, dt.date(2025, 1, 1), dt.date(2025, 12, 31)) in seen
    by_year = section(sections, "indicateurs-par-annee")
    assert by_year["headers"] == ["Indicateur", "2021", "2022", "2023", "2024", "2025", "2026"]
    assert by_year["animation_only"] is True
    # without the charter's and the agenda's metrics, their per-year sections are simply absent
    assert not any(s["key"] in ("signataires", "rendez-vous") for s in sections)


def test_charter_and_agenda_per_year_come_through_their_metrics(territory):
    sections = figures.compute_sections(territory, 0, TODAY)
    signatories = section(sections, "signataires")
    assert [row[0] for row in signatories["rows"]] == ["2021", "2022", "2023", "2024", "2025", "2026"]
    assert section(sections, "rendez-vous")["headers"][1:] == [
        registry.metrics["events.events_held"].label,
        registry.metrics["events.attendance"].label,
    ]


def test_refresh_keeps_one_snapshot_per_year_and_only_the_animation_may_ask(
    territory, directory, member, animator
):
    first = services.refresh_figures(actor=SYSTEM, territory=territory, today=TODAY)
    again = services.refresh_figures(actor=animator, territory=territory, today=TODAY)
    assert first.pk == again.pk and again.computed_at >= first.computed_at
    with pytest.raises(PermissionDenied, match="Seule l'animation"):
        services.refresh_figures(actor=member, territory=territory, today=TODAY)
    with pytest.raises(ValidationError, match="n'est pas disponible"):
        services.refresh_figures(actor=animator, territory=territory, year=2099, today=TODAY)
    assert FigureSnapshot.objects.filter(territory=territory).count() == 1


def test_the_periodic_job_recomputes_every_territory_and_every_kept_year(
    territory, other_territory, directory
):
    services.refresh_figures(actor=SYSTEM, territory=territory, year=2024, today=TODAY)
    written = services.refresh_all(actor=SYSTEM, today=TODAY)
    assert written == 5  # territory: 0, 2024, 2026 ; other: 0, 2026
    kept = set(FigureSnapshot.objects.values_list("territory__slug", "year"))
    assert ("pays-de-grasse", 2024) in kept and ("vallee-voisine", 2026) in kept
    other = FigureSnapshot.objects.get(territory=other_territory, year=0)
    assert section(other.data["sections"], "familles")["rows"] == [["Mutuelle", 1]]


def _computing_elsewhere(territory, year):
    """Another request (or web node) holds the computation of these figures."""
    cache.add(f"dashboard:figures:computing:{territory.pk}:{year}", 1, 60)


def test_a_visit_computes_the_figures_once_and_releases_its_lock(territory, directory):
    shown = services.figures_for_visit(territory=territory, year=0, today=TODAY)
    assert shown.pk and services.figures_for_visit(territory=territory, year=0, today=TODAY).pk == shown.pk
    assert cache.get(f"dashboard:figures:computing:{territory.pk}:0") is None
    assert FigureSnapshot.objects.filter(territory=territory).count() == 1


def test_stale_figures_are_shown_with_their_date_while_another_visit_recomputes_them(territory, directory):
    kept = services.refresh_figures(actor=SYSTEM, territory=territory, today=TODAY)
    old = timezone.now() - dt.timedelta(days=3)
    FigureSnapshot.objects.filter(pk=kept.pk).update(computed_at=old)
    _computing_elsewhere(territory, 0)
    shown = services.figures_for_visit(territory=territory, year=0, today=TODAY)
    assert shown.pk == kept.pk and shown.computed_at == old  # not computed a second time
    cache.clear()
    assert services.figures_for_visit(territory=territory, year=0, today=TODAY).computed_at > old


def test_a_first_visit_waits_for_the_other_computation_then_computes_if_it_never_ends(territory, directory):
    _computing_elsewhere(territory, 0)
    shown = services.figures_for_visit(territory=territory, year=0, today=TODAY, wait_seconds=0.3)
    assert shown.pk and section(shown.data["sections"], "familles")
    assert FigureSnapshot.objects.filter(territory=territory, year=0).count() == 1
