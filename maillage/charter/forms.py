from __future__ import annotations

from django import forms

from maillage.actors.models import Structure
from maillage.core.text import long_date
from maillage.events.models import Event


class SignatureForm(forms.Form):
    structure = forms.ModelChoiceField(
        label="Structure au nom de laquelle vous signez",
        queryset=Structure.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": "Vous ne gérez pas cette structure.",
            "required": "Choisissez la structure.",
        },
    )
    signer_name = forms.CharField(
        label="Nom de la personne qui signe",
        max_length=150,
        help_text="Il sera publié sur la liste des signataires, avec la fonction.",
        error_messages={"required": "Indiquez le nom de la personne qui signe."},
    )
    signer_role = forms.CharField(
        label="Fonction dans la structure",
        max_length=150,
        help_text="Par exemple : présidente, directeur, co-gérante.",
        error_messages={"required": "Indiquez la fonction de la personne qui signe."},
    )
    commitment = forms.BooleanField(
        label="J'engage la structure à respecter les principes de cette version de la charte",
        error_messages={
            "required": "Cochez la case d'engagement pour signer la charte au nom de la structure."
        },
    )
    ceremony = forms.ModelChoiceField(
        label="Cérémonie de signature (facultatif)",
        queryset=Event.objects.none(),
        required=False,
        empty_label="Pas de cérémonie",
        help_text="Si vous signez lors d'un rendez-vous de l'agenda du territoire : choisissez-le.",
        error_messages={"invalid_choice": "Choisissez une cérémonie de signature du territoire."},
    )

    def __init__(self, *args, structures=None, ceremonies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures if structures is not None else Structure.objects.none()
        self.fields["ceremony"].queryset = ceremonies if ceremonies is not None else Event.objects.none()
        self.fields["ceremony"].label_from_instance = lambda event: (
            f"{event.title} — {long_date(event.start)}"
        )
        if not self.fields["ceremony"].queryset.exists():
            del self.fields["ceremony"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Raison du retrait",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Elle sera visible dans l'historique public des signatures de la structure.",
        error_messages={"required": "Indiquez la raison du retrait."},
    )


class VersionForm(forms.Form):
    title = forms.CharField(label="Titre de la version", max_length=200, required=False)
    preamble = forms.CharField(
        label="Préambule (Markdown)", widget=forms.Textarea(attrs={"rows": 6}), required=False
    )


class ArticleForm(forms.Form):
    title = forms.CharField(
        label="Titre de l'article",
        max_length=200,
        error_messages={"required": "Donnez un titre à l'article."},
    )
    body = forms.CharField(
        label="Texte (Markdown)",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Écrivez le texte de l'article."},
    )
    position = forms.IntegerField(
        label="Position", min_value=1, required=False, help_text="Laissez vide pour le placer à la fin."
    )


class TransitionForm(forms.Form):
    note = forms.CharField(label="Note (facultative)", max_length=500, required=False)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Votre commentaire",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Votre nom et celui de votre structure seront visibles des membres du territoire.",
        error_messages={"required": "Écrivez votre commentaire."},
    )


class AmendmentForm(forms.Form):
    text = forms.CharField(
        label="Texte que vous proposez pour cet article",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Écrivez le texte que vous proposez."},
    )
    rationale = forms.CharField(
        label="Pourquoi ce changement ? (facultatif)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[("accept", "Accepter : le texte entre dans la version de travail"), ("reject", "Rejeter")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Raison (obligatoire pour un rejet)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class SignatoryFilterForm(forms.Form):
    q = forms.CharField(label="Nom de la structure", required=False, max_length=100)
    family = forms.ChoiceField(label="Famille de l'ESS", required=False)
    commune = forms.ChoiceField(label="Commune", required=False)
    status = forms.ChoiceField(
        label="Version signée",
        required=False,
        choices=[
            ("", "Toutes"),
            ("current", "A signé la version en vigueur"),
            ("previous", "N'a pas encore signé la version en vigueur"),
        ],
    )

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [("", "Toutes"), *Structure.Family.choices]
        self.fields["commune"].choices = [("", "Toutes"), *communes]
