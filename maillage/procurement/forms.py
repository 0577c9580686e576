"""Forms of procurement (labels and help in French; the services check again and say what is wrong)."""

from __future__ import annotations

from typing import Any

from django import forms

from maillage.actors.taxonomy import SECTOR_CHOICES
from maillage.core.models import Commune
from maillage.procurement.taxonomy import NeedKind, OfferType, Perimeter, Reserved, TurnoverBand


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _communes(territory: Any) -> Any:
    return Commune.objects.filter(territories=territory).order_by("name")


class OfferForm(forms.Form):
    offer_types = forms.MultipleChoiceField(
        label="Ce que la structure vend", choices=OfferType.choices, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(
        label="Présentation de l'offre",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que vous proposez aux acheteurs, en quelques lignes.",
    )
    perimeter = forms.ChoiceField(label="Périmètre servi", choices=Perimeter.choices)
    radius_km = forms.IntegerField(
        label="Rayon (km)",
        required=False,
        min_value=1,
        max_value=1000,
        help_text="Seulement pour « un rayon autour de la structure ».",
    )
    communes = forms.ModelMultipleChoiceField(
        label="Communes servies",
        queryset=Commune.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Seulement pour « des communes du territoire ».",
    )
    staff = forms.IntegerField(label="Effectif (personnes)", required=False, min_value=0)
    turnover_band = forms.ChoiceField(
        label="Chiffre d'affaires annuel", choices=TurnoverBand.choices, required=False
    )
    labels = forms.CharField(
        label="Labels et certifications", required=False, help_text="Séparés par des virgules."
    )

    def __init__(self, *args: Any, territory: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = _communes(territory)


class ReferenceForm(forms.Form):
    client = forms.CharField(label="Client", max_length=200)
    year = forms.IntegerField(label="Année")
    text = forms.CharField(label="Prestation réalisée", max_length=300)


class NeedForm(forms.Form):
    buyer = forms.ModelChoiceField(label="Structure acheteuse", queryset=None, empty_label=None)
    kind = forms.ChoiceField(label="Type de besoin", choices=NeedKind.choices)
    offer_type = forms.ChoiceField(label="Nature de l'achat", choices=OfferType.choices)
    title = forms.CharField(label="Titre du besoin", max_length=200)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 6}))
    sectors = forms.MultipleChoiceField(
        label="Secteurs d'activité",
        choices=SECTOR_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    commune = forms.ModelChoiceField(
        label="Lieu d'exécution", queryset=Commune.objects.none(), required=False, empty_label="(non précisé)"
    )
    amount_min = forms.DecimalField(label="Montant minimum (€ HT)", required=False, decimal_places=2)
    amount_max = forms.DecimalField(label="Montant maximum (€ HT)", required=False, decimal_places=2)
    deadline = forms.DateField(label="Date limite de réponse", widget=DateInput())
    start_date = forms.DateField(label="Début de la prestation", required=False, widget=DateInput())
    reserved = forms.ChoiceField(label="Marché réservé", choices=Reserved.choices, required=False)
    clause_hours = forms.IntegerField(
        label="Heures d'insertion demandées (clause sociale)", required=False, min_value=0, initial=0
    )
    anonymous = forms.BooleanField(
        label="Rester anonyme jusqu'à ce que je contacte un fournisseur", required=False, initial=True
    )
    attachment = forms.FileField(label="Document joint (facultatif)", required=False)

    def __init__(self, *args: Any, territory: Any, buyers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buyer"].queryset = buyers
        self.fields["commune"].queryset = _communes(territory)

    def need_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("buyer", "attachment"):
            data.pop(name, None)
        data["clause_hours"] = data.get("clause_hours") or 0
        data["reserved"] = data.get("reserved") or ""
        return data


class ReturnForm(forms.Form):
    note = forms.CharField(label="Ce que l'acheteur doit revoir", widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Votre réponse",
        choices=[("interested", "Intéressé"), ("not_interested", "Pas intéressé")],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label="Votre message à l'acheteur (si intéressé)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    reason = forms.CharField(label="Pourquoi pas (si pas intéressé)", required=False, max_length=300)
    document = forms.FileField(
        label="Document joint (si intéressé, facultatif)",
        required=False,
        help_text="PDF, texte, tableur ou image ; vérifié à l'envoi.",
    )


class ShortlistAddForm(forms.Form):
    shortlist = forms.ModelChoiceField(
        label="Ajouter à la liste", queryset=None, required=False, empty_label="— une nouvelle liste —"
    )
    name = forms.CharField(label="Nom de la nouvelle liste", required=False, max_length=120)
    buyer = forms.ModelChoiceField(label="Pour la structure acheteuse", queryset=None, required=False)

    def __init__(self, *args: Any, shortlists: Any, buyers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shortlist"].queryset = shortlists  # type: ignore[attr-defined]
        self.fields["buyer"].queryset = buyers  # type: ignore[attr-defined]
        only = list(buyers[:2])
        if len(only) == 1:
            self.fields["buyer"].initial = only[0].pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("shortlist"):
            if not data.get("name", "").strip():
                self.add_error(
                    "name", "Donnez un nom à la nouvelle liste, ou choisissez une liste existante."
                )
            if not data.get("buyer"):
                self.add_error("buyer", "Choisissez la structure acheteuse de la nouvelle liste.")
        return data


class ShortlistRenameForm(forms.Form):
    name = forms.CharField(label="Nouveau nom de la liste", max_length=120)


class ShortlistSendForm(forms.Form):
    need = forms.ModelChoiceField(label="Besoin validé à envoyer", queryset=None)

    def __init__(self, *args: Any, needs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = needs  # type: ignore[attr-defined]


class OfferDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[("accept", "Accepter la modification"), ("refuse", "Refuser la modification")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Motif du refus (envoyé au gestionnaire)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OutcomeForm(forms.Form):
    contract_followed = forms.TypedChoiceField(
        label="Un contrat a-t-il suivi ?",
        choices=[("1", "Oui"), ("0", "Non")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    supplier = forms.ModelChoiceField(label="Fournisseur retenu", queryset=None, required=False)
    amount = forms.DecimalField(label="Montant (€ HT)", required=False, decimal_places=2)
    clause_hours = forms.IntegerField(label="Heures d'insertion prévues", required=False, min_value=0)
    notified_on = forms.DateField(label="Date de notification", required=False, widget=DateInput())
    duration_months = forms.IntegerField(label="Durée (mois)", required=False, min_value=1)
    cpv = forms.CharField(
        label="Code CPV", required=False, max_length=10, help_text="Par exemple 77310000-6 (espaces verts)."
    )
    reference = forms.CharField(label="Numéro du marché (facultatif)", required=False, max_length=16)

    def __init__(self, *args: Any, suppliers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers


class LedgerImportForm(forms.Form):
    year = forms.IntegerField(label="Année des achats", min_value=2000, max_value=2100)
    file = forms.FileField(
        label="Fichier CSV du grand livre des achats",
        help_text="Encodé en UTF-8, avec une ligne d'en-tête : siret, fournisseur, montant, "
        "date (JJ/MM/AAAA), "
        "objet, heures_insertion, code_commune.",
    )


class SupplierSearchForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    offer_type = forms.ChoiceField(
        label="Type d'offre", required=False, choices=[("", "Tous")] + list(OfferType.choices)
    )
    sector = forms.ChoiceField(label="Secteur", required=False, choices=[("", "Tous")] + list(SECTOR_CHOICES))
    commune = forms.ModelChoiceField(
        label="Intervient à", queryset=Commune.objects.none(), required=False, empty_label="(toutes communes)"
    )
    reserved = forms.ChoiceField(
        label="Éligible au marché réservé",
        required=False,
        choices=[("", "Indifférent"), *[(k, v) for k, v in Reserved.choices if k]],
    )
    min_staff = forms.IntegerField(label="Effectif minimum", required=False, min_value=0)

    def __init__(self, *args: Any, territory: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = _communes(territory)
