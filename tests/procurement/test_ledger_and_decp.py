"""The purchase ledger (typed, imported: all or nothing, per-row French errors), the dashboard's shares, the
registry metrics, and the DECP 2.0.3 export validated against the official schema."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.core.actors import SYSTEM
from maillage.core.registry import registry
from maillage.procurement import decp, services
from maillage.procurement.models import Award, PurchaseLine
from maillage.procurement.selectors import dashboard_context
from tests.factories import MembershipFactory, UserFactory
from tests.procurement.factories import need, supplier

pytestmark = pytest.mark.django_db

SCHEMA = Path("/work/shared/data/decp-schema_decp_v2.0.3.json")
SIAE_SIRET = "73282932000074"
OTHER_SIRET = "55208131766522"


def _csv(*rows: str) -> bytes:
    return ("siret;fournisseur;montant;date;objet;heures_insertion;code_commune\n" + "\n".join(rows)).encode()


@pytest.fixture
def siae(structure):
    return supplier(structure.territory, name="Chantier d'insertion", inclusion_kind="ACI", siret=SIAE_SIRET)


def test_an_import_classifies_each_line_and_the_dashboard_counts_the_shares(structure, manager, siae):
    data = _csv(
        f"{SIAE_SIRET};Chantier;1 000,00;15/03/2025;Tonte;120;",
        f"{OTHER_SIRET};Grande entreprise;3000;2025-06-01;Papier;0;13055",
        f"{OTHER_SIRET};Grande entreprise;1000;;Papier;0;06069",
    )
    report = services.import_ledger(actor=manager, buyer=structure, year=2025, data=data)
    assert report.imported == 3
    figures = dashboard_context(structure, 2025)["figures"]
    assert figures["total"] == Decimal("5000.00") and figures["hours"] == 120
    shares = {label: share for label, _amount, share in figures["shares"]}
    assert shares == {
        "Structures de l'ESS": 20.0,
        "Structures d'insertion (SIAE)": 20.0,
        "Entreprises adaptées et ESAT": 0.0,
        "Fournisseurs du territoire": 40.0,
    }
    # Importing the same year again replaces the lines, no duplicate.
    services.import_ledger(actor=manager, buyer=structure, year=2025, data=data)
    assert PurchaseLine.objects.count() == 3


def test_a_bad_row_imports_nothing_and_each_row_is_reported(structure, manager, siae):
    data = _csv(
        f"{SIAE_SIRET};Chantier;1000;15/03/2025;Tonte;0;",
        "12345678901234;Inconnu;500;15/03/2025;;0;",
        f"{OTHER_SIRET};X;douze;31/02/2025;;abc;",
        f"{OTHER_SIRET};X;10;01/01/2024;;0;",
    )
    with pytest.raises(ValidationError) as exc:
        services.import_ledger(actor=manager, buyer=structure, year=2025, data=data)
    messages = exc.value.messages
    assert messages[0].startswith("Ligne 3 : le SIRET « 12345678901234 » n'existe pas")
    assert "Ligne 4 : le montant « douze » n'est pas un nombre positif" in messages[1]
    assert "la date « 31/02/2025 » n'est pas au format JJ/MM/AAAA" in messages[1]
    assert "heures d'insertion « abc »" in messages[1]
    assert messages[2] == "Ligne 5 : la date 01/01/2024 n'est pas dans l'année 2025."
    assert messages[-1] == "Rien n'a été importé : corrigez ces lignes et recommencez."
    assert not PurchaseLine.objects.exists()


def test_a_file_in_another_encoding_imports_nothing(structure, manager):
    data = "siret;fournisseur;montant\n73282932000074;Société générale d'entretien;100\n".encode("cp1252")
    with pytest.raises(ValidationError, match="n'est pas encodé en UTF-8"):
        services.import_ledger(actor=manager, buyer=structure, year=2025, data=data)
    assert not PurchaseLine.objects.exists()


def test_a_file_without_the_columns_imports_nothing(structure, manager):
    with pytest.raises(ValidationError, match="Colonnes manquantes : siret, montant"):
        services.import_ledger(actor=manager, buyer=structure, year=2025, data=b"nom;prix\nA;1\n")


def test_only_the_buyer_s_managers_import(structure, member):
    with pytest.raises(PermissionDenied):
        services.import_ledger(actor=member, buyer=structure, year=2025, data=_csv(f"{OTHER_SIRET};X;1;;;0;"))


def test_territory_metrics_read_the_ledgers(structure, manager, siae, territory):
    services.add_purchase(
        actor=manager,
        buyer=structure,
        year=2025,
        siret=SIAE_SIRET,
        amount=Decimal(300),
        date=dt.date(2025, 4, 1),
        clause_hours=35,
    )
    services.add_purchase(
        actor=manager,
        buyer=structure,
        year=2025,
        siret=OTHER_SIRET,
        amount=Decimal(700),
        date=dt.date(2025, 5, 1),
    )
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    assert registry.metrics["procurement_share_siae"].compute(territory, start, end) == 30.0
    assert registry.metrics["procurement_total"].compute(territory, start, end) == 1000.0
    assert registry.metrics["procurement_clause_hours"].compute(territory, start, end) == 35


def _awarded(structure, manager, **need_kwargs):
    seller = supplier(structure.territory, name="Jardins", inclusion_kind="ACI", siret=SIAE_SIRET)
    MembershipFactory(user=UserFactory(email="j@example.org"), structure=seller, role="manager")
    structure.siret = OTHER_SIRET
    structure.save(update_fields=["siret"])
    item = need(structure, status="sent", commune=structure.territory.communes.first(), **need_kwargs)
    services.record_outcome(
        actor=manager,
        need=item,
        contract_followed=True,
        supplier=seller,
        amount=Decimal("38000"),
        clause_hours=400,
        notified_on=timezone.localdate(),
        duration_months=24,
        cpv="77310000-6",
    )
    return item


@pytest.mark.parametrize(
    ("need_kwargs", "expected"),
    [
        ({"reserved": "L2113-13"}, ["Marché réservé"]),
        ({"clause_hours": 400}, ["Clause sociale"]),
        ({"reserved": "L2113-13", "clause_hours": 10}, ["Marché réservé", "Clause sociale"]),
        ({}, ["Pas de considération sociale"]),
    ],
)
def test_awarded_contracts_export_as_valid_decp(structure, manager, need_kwargs, expected):
    item = _awarded(structure, manager, **need_kwargs)
    document = decp.document(Award.objects.all())
    jsonschema.validate(document, json.loads(SCHEMA.read_text(encoding="utf-8")))
    [marche] = document["marches"]["marche"]
    assert marche["considerationsSociales"]["considerationSociale"] == expected
    assert marche["titulaires"][0]["titulaire"] == {"typeIdentifiant": "SIRET", "id": SIAE_SIRET}
    assert marche["acheteur"]["id"] == OTHER_SIRET and marche["montant"] == 38000.0
    item.refresh_from_db()
    assert item.status == "closed"


def test_a_bad_outcome_is_refused_and_nothing_is_written(structure, manager):
    supplier(structure.territory, name="Jardins")
    stranger = supplier(
        structure.territory, name="Pas contacté", sectors=("culture",), offer_types=("goods",)
    )
    item = need(structure, status="sent")
    with pytest.raises(ValidationError) as exc:
        services.record_outcome(
            actor=manager,
            need=item,
            contract_followed=True,
            supplier=stranger,
            amount=Decimal(0),
            notified_on=timezone.localdate() + dt.timedelta(days=5),
            duration_months=0,
            cpv="7731",
        )
    errors = exc.value.message_dict
    assert set(errors) == {"supplier", "amount", "notified_on", "duration_months", "cpv"}
    assert not Award.objects.exists()
    item.refresh_from_db()
    assert item.status == "sent"


def test_no_contract_closes_the_need(structure, manager):
    supplier(structure.territory, name="Jardins")
    item = need(structure, status="sent")
    services.record_outcome(actor=SYSTEM, need=item, contract_followed=False)
    item.refresh_from_db()
    assert item.status == "closed" and decp.document(Award.objects.all()) == {"marches": {"marche": []}}


def test_after_the_deadline_the_buyer_is_asked_once_what_followed(structure, manager):
    from maillage.notifications.models import Notification

    supplier(structure.territory, name="Jardins")
    item = need(structure, status="sent")
    assert services.ask_outcomes(actor=SYSTEM, today=item.deadline) == 0
    assert services.ask_outcomes(actor=SYSTEM, today=item.deadline + dt.timedelta(days=1)) == 1
    assert services.ask_outcomes(actor=SYSTEM, today=item.deadline + dt.timedelta(days=2)) == 0
    asked = Notification.objects.get(kind="procurement_outcome_asked")
    assert asked.user == manager and asked.url == f"/achats/besoins/{item.pk}/suite/"
