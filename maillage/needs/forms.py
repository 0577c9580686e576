"""Forms of the needs pages; the services check everything again (the forms only read the input)."""

from __future__ import annotations

from django import forms

from maillage.actors.models import Structure
from maillage.core.models import Commune
from maillage.needs.models import MOVE_LABELS, Need, NeedCategory


class ReportForm(forms.Form):
    title = forms.CharField(
        label="Le besoin en une phrase",
        max_length=160,
        help_text="Par exemple : « Pas de transport le dimanche pour aller à l'hôpital de Grasse ».",
        error_messages={"required": "Le titre du besoin est obligatoire."},
    )
    description = forms.CharField(
        label="Description",
        error_messages={"required": "La description du besoin est obligatoire."},
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Qui le rencontre, depuis quand, ce qui manque aujourd'hui.",
    )
    category = forms.ModelChoiceField(
        label="Catégorie",
        queryset=NeedCategory.objects.none(),
        empty_label="Choisir une catégorie",
        error_messages={
            "required": "Choisissez une catégorie proposée par le territoire.",
            "invalid_choice": "Choisissez une catégorie proposée par le territoire.",
        },
    )
    public_concerned = forms.CharField(
        label="Public concerné (facultatif)",
        max_length=200,
        required=False,
        help_text="Par exemple : personnes âgées sans voiture, familles monoparentales.",
    )
    communes = forms.ModelMultipleChoiceField(
        label="Communes concernées",
        queryset=Commune.objects.none(),
        required=False,
        help_text="Une ou plusieurs (Ctrl ou Cmd + clic). À défaut, indiquez un point ci-dessous.",
        error_messages={"invalid_choice": "Choisissez des communes du territoire."},
    )
    latitude = forms.FloatField(
        label="Ou un point : latitude (facultatif)",
        required=False,
        error_messages={"invalid": "La latitude est un nombre, par exemple 43.658."},
    )
    longitude = forms.FloatField(
        label="Longitude (facultatif)",
        required=False,
        error_messages={"invalid": "La longitude est un nombre, par exemple 6.925."},
    )
    evidence = forms.CharField(
        label="Éléments à l'appui (facultatif)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Des chiffres avec leur source, des témoignages.",
    )
    anonymous = forms.BooleanField(
        label="Ne pas afficher mon nom sur la page du besoin", required=False, initial=True
    )

    def __init__(self, *args, territory=None, citizen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = NeedCategory.objects.filter(territory=territory, is_active=True)
        self.fields["communes"].queryset = Commune.objects.filter(territories=territory).order_by("name")
        if citizen:
            self.fields["email"] = forms.EmailField(
                label="Votre adresse électronique",
                help_text="Nous y envoyons un lien pour confirmer le signalement. Elle n'est jamais publiée.",
                error_messages={
                    "required": "Indiquez votre adresse électronique : nous y envoyons le lien de "
                    "confirmation.",
                    "invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.",
                },
            )
            self.fields["reporter_name"] = forms.CharField(
                label="Votre nom ou prénom (facultatif)", max_length=120, required=False
            )

    def clean(self):
        data = super().clean()
        if not data.get("communes") and data.get("latitude") is None and "communes" not in self.errors:
            self.add_error("communes", "Indiquez au moins une commune concernée, ou un point sur la carte.")
        return data


class SupportForm(forms.Form):
    testimony = forms.CharField(
        label="Votre témoignage (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Il sera publié sur la page du besoin, sans votre nom.",
    )

    def __init__(self, *args, citizen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if citizen:
            self.fields["email"] = forms.EmailField(
                label="Votre adresse électronique",
                help_text="Nous y envoyons un lien pour confirmer votre soutien. Elle n'est jamais publiée.",
                error_messages={
                    "required": "Indiquez votre adresse électronique : nous y envoyons le lien de "
                    "confirmation.",
                    "invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.",
                },
            )


class MoveForm(forms.Form):
    to_status = forms.ChoiceField(
        label="Nouveau statut", error_messages={"required": "Choisissez le nouveau statut."}
    )
    answer = forms.CharField(
        label="Réponse publique",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Publiée dans l'historique du besoin et envoyée aux personnes qui l'ont signalé "
        "ou soutenu.",
    )
    synthesis = forms.CharField(
        label="Synthèse de qualification",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Obligatoire pour qualifier : ce que l'on sait du besoin, qui il touche, où.",
    )

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, MOVE_LABELS[s]) for s in moves]


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label="Besoin qu'il répète",
        queryset=Need.objects.none(),
        empty_label="Choisir un besoin",
        error_messages={
            "required": "Choisissez le besoin dans lequel fusionner celui-ci.",
            "invalid_choice": "Choisissez un besoin du registre du territoire.",
        },
    )
    answer = forms.CharField(
        label="Réponse publique",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="Ce besoin rejoint un besoin déjà signalé : les soutiens y sont reportés.",
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = candidates if candidates is not None else Need.objects.none()
        self.fields["into"].label_from_instance = lambda n: (
            f"n° {n.pk} — {n.title} ({n.get_status_display()})"
        )


class StructureLinkForm(forms.Form):
    structure = forms.ModelChoiceField(
        label="Structure qui répond à ce besoin",
        queryset=Structure.objects.none(),
        empty_label="Choisir une structure",
        error_messages={
            "required": "Choisissez une structure.",
            "invalid_choice": "Choisissez une structure publiée du territoire.",
        },
    )

    def __init__(self, *args, territory=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = Structure.objects.filter(
            territory=territory, status="published"
        ).order_by("name")


class CategoryForm(forms.Form):
    label = forms.CharField(
        label="Intitulé",
        max_length=80,
        error_messages={"required": "L'intitulé de la catégorie est obligatoire."},
    )


class CategoryRenameForm(forms.Form):
    """One row of the categories' table (its inputs are drawn in the table; the form carries its errors to
    the page's error summary and beside the field)."""

    label = forms.CharField(max_length=80, required=False)
    is_active = forms.BooleanField(required=False)

    def __init__(self, *args, category: NeedCategory, **kwargs):
        super().__init__(*args, auto_id=f"categorie-{category.pk}-%s", **kwargs)
        self.category = category
        self.fields["label"].label = f"Intitulé de la catégorie « {category.label} »"


class AtelierForm(forms.Form):
    atelier = forms.ChoiceField(
        label="Atelier qui qualifie les besoins",
        required=False,
        help_text="Ses membres peuvent qualifier un besoin signalé (écrire sa synthèse et la réponse "
        "publique), comme l'animation. La suite (réponse, clôture, fusion) reste à l'animation.",
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["atelier"].choices = [("", "Aucun atelier : l'animation seule qualifie"), *groups]
