from __future__ import annotations

from django import forms

from maillage.core.models import Commune, Territory
from maillage.core.registry import registry
from maillage.newsletter.models import Issue
from maillage.newsletter.rendering import EDITORIAL_PROVIDER
from maillage.newsletter.services import CONSENT_TEXT


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="Nous vous enverrons un lien pour confirmer ; sans confirmation, la demande est effacée.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."},
    )
    commune = forms.ModelChoiceField(
        label="Votre commune (facultatif)",
        help_text="Pour recevoir aussi les informations propres à votre commune.",
        queryset=Commune.objects.none(),
        required=False,
        to_field_name="insee_code",
        empty_label="— Aucune —",
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        required=True,
        error_messages={"required": "Cochez la case pour accepter de recevoir la lettre."},
    )

    def __init__(self, *args, territory: Territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = territory.communes.order_by("name")


class IssueForm(forms.Form):
    title = forms.CharField(label="Titre du numéro", max_length=200)
    editorial = forms.CharField(
        label="Éditorial",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="En Markdown : **gras**, *italique*, [lien](https://…), listes avec « - ».",
    )
    providers = forms.MultipleChoiceField(
        label="Rubriques",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Chaque rubrique est composée à partir des nouveautés depuis le numéro précédent.",
    )
    segment = forms.ChoiceField(label="Destinataires", choices=Issue.Segment.choices)
    segment_value = forms.CharField(
        label="Précision des destinataires",
        required=False,
        widget=forms.Select,
        help_text="L'atelier ou la commune, si vous avez choisi l'un de ces destinataires.",
    )

    def __init__(self, *args, segment_choices: dict[str, list[tuple[str, str]]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["providers"].choices = [
            (p.key, p.label)
            for p in sorted(
                registry.content_providers.values(), key=lambda p: (p.key != EDITORIAL_PROVIDER, p.key)
            )
        ]
        choices = [("", "— Sans objet —")]
        if segment_choices["atelier"]:
            choices.append(("Ateliers", segment_choices["atelier"]))
        if segment_choices["commune"]:
            choices.append(("Communes", segment_choices["commune"]))
        self.fields["segment_value"].widget.choices = choices


class TestSendForm(forms.Form):
    to = forms.EmailField(label="Adresse de l'envoi d'essai", max_length=254)
