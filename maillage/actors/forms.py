from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator

from maillage.actors import taxonomy
from maillage.actors.importers import TARGET_FIELDS
from maillage.actors.models import Structure
from maillage.core.models import Commune, Territory
from maillage.core.uploads import clean_upload

PERSONAL_NOTICE = (
    "La personne à contacter n'est jamais publiée : seuls l'animation du territoire et les gestionnaires "
    "de la fiche la voient, pour la suivre. Elle est supprimée avec la fiche ou sur demande."
)


class StructureForm(forms.ModelForm):
    sectors = forms.MultipleChoiceField(
        label="Secteurs d'activité",
        choices=taxonomy.SECTOR_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    legal_form = forms.ChoiceField(label="Catégorie juridique (INSEE)", required=False)
    inclusion_kind = forms.ChoiceField(label="Structure inclusive", required=False)
    labels = forms.CharField(
        label="Labels et réseaux", required=False, help_text="Séparés par des virgules.", max_length=500
    )
    logo_upload = forms.FileField(
        label="Logo", required=False, help_text="Image PNG, JPEG ou WebP, 5 Mo au plus : elle est ré-encodée."
    )

    class Meta:
        model = Structure
        fields = [
            "name",
            "family",
            "legal_form",
            "inclusion_kind",
            "esus",
            "siret",
            "rna",
            "workforce_band",
            "description",
            "address",
            "postal_code",
            "commune",
            "website",
            "public_email",
            "public_phone",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        help_texts = {
            "siret": "14 chiffres, facultatif (beaucoup d'associations n'en ont pas).",
            "rna": "« W » suivi de 9 chiffres, pour une association déclarée.",
            "description": "Mise en forme Markdown simple (titres, listes, liens).",
            "public_email": "Publiée sur la fiche : une adresse générique (contact@…), pas personnelle.",
        }

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.territory = territory
        self.fields["commune"].queryset = territory.communes.order_by("name")
        self.fields["legal_form"].choices = [("", "—")] + sorted(
            taxonomy.legal_forms().items(), key=lambda kv: kv[1]
        )
        self.fields["inclusion_kind"].choices = [("", "Non")] + taxonomy.inclusion_choices()
        self.fields["contact_name"].help_text = PERSONAL_NOTICE
        if self.instance.pk:
            self.initial["sectors"] = self.instance.sector_keys
            self.initial["labels"] = ", ".join(self.instance.labels or [])
        for name in ("siret", "rna"):  # typed with spaces (« 732 829 320 00074 »): cleaned below
            field = self.fields[name]
            field.max_length = 20
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.validators.append(MaxLengthValidator(20))
            field.widget.attrs["maxlength"] = 20

    def clean_siret(self) -> str:
        return taxonomy.clean_siret(self.cleaned_data.get("siret", ""))

    def clean_rna(self) -> str:
        return taxonomy.clean_rna(self.cleaned_data.get("rna", ""))

    def clean_labels(self) -> list[str]:
        return [x.strip() for x in self.cleaned_data.get("labels", "").split(",") if x.strip()]

    def clean_logo_upload(self) -> Any:
        upload = self.cleaned_data.get("logo_upload")
        if not upload:
            return None
        return clean_upload(upload, kind="logo").file

    def structure_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("sectors", "logo_upload")}
        return data


class ContactForm(forms.Form):
    name = forms.CharField(label="Votre nom", max_length=120)
    email = forms.EmailField(
        label="Votre adresse électronique", help_text="Pour que la structure vous réponde."
    )
    message = forms.CharField(
        label="Votre message", widget=forms.Textarea(attrs={"rows": 6}), max_length=4000
    )
    notice = (
        "Votre message et votre adresse sont transmis à la structure seulement ; la plateforme n'en garde "
        "rien une fois le message envoyé."
    )


class ErrorReportForm(forms.Form):
    message = forms.CharField(
        label="Quelle erreur avez-vous vue ?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="N'indiquez pas de données personnelles : le signalement est lu par l'animation.",
    )


class ManagementRequestForm(forms.Form):
    message = forms.CharField(
        label="Votre lien avec la structure",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="Par exemple : « Je suis la présidente de l'association. »",
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class PracticeForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    themes = forms.MultipleChoiceField(
        label="Thèmes du guide des bonnes pratiques",
        choices=taxonomy.PRACTICE_THEME_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(label="Résumé", max_length=300, required=False)
    body = forms.CharField(
        label="Description",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text="Mise en forme Markdown simple.",
    )


def commune_choices(territory: Territory) -> list[tuple[str, str]]:
    return list(
        Commune.objects.filter(territories=territory).order_by("name").values_list("insee_code", "name")
    )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type d'import",
        choices=[
            ("table", "Tableau CSV, XLSX ou ODS"),
            ("sirene", "Fichiers stock Sirene (établissements + unités légales)"),
        ],
        widget=forms.RadioSelect,
        initial="table",
    )
    source = forms.CharField(
        label="Nom de la source",
        max_length=100,
        help_text="Par exemple « BDIS » ou « extrait RNA » : la "
        "correspondance des colonnes est gardée pour cette source.",
    )
    file = forms.FileField(label="Fichier (tableau, ou stock des établissements pour Sirene)")
    unit_file = forms.FileField(label="Stock des unités légales (Sirene seulement)", required=False)
    mapping = forms.CharField(
        label="Correspondance des colonnes (tableau)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Une ligne par champ : « name=Nom », « siret=SIRET », « commune=Code INSEE »… Champs : "
        + ", ".join(f"{k} ({v})" for k, v in TARGET_FIELDS.items())
        + ". Laissez vide pour reprendre la dernière correspondance de cette source.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("kind") == "sirene" and not cleaned.get("unit_file"):
            self.add_error("unit_file", "Sirene demande aussi le fichier des unités légales.")
        mapping = {}
        for line in (cleaned.get("mapping") or "").splitlines():
            if not line.strip():
                continue
            field, sep, column = line.partition("=")
            if not sep:
                self.add_error("mapping", f"« {line.strip()} » : écrivez champ=En-tête de colonne.")
                continue
            if field.strip() not in TARGET_FIELDS:
                self.add_error("mapping", f"Champ inconnu : « {field.strip()} ».")
                continue
            mapping[field.strip()] = column.strip()
        cleaned["mapping"] = mapping
        return cleaned
