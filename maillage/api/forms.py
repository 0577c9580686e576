from __future__ import annotations

from django import forms

from maillage.api.models import DEFAULT_HOURLY_LIMIT
from maillage.api.services.keys import MAX_LIMIT, MIN_LIMIT


class IssueKeyForm(forms.Form):
    holder_name = forms.CharField(
        label="Titulaire",
        max_length=120,
        help_text="La structure ou la personne qui utilisera la clé (ex. « Réseau des ressourceries »).",
    )
    holder_email = forms.EmailField(
        label="Adresse électronique du titulaire",
        max_length=254,
        help_text="Pour prévenir le titulaire d'un changement de l'API. Elle n'est montrée qu'à l'animation.",
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."},
    )
    purpose = forms.CharField(
        label="Usage prévu",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que le titulaire fera des données (une carte sur son site, une étude…).",
    )
    hourly_limit = forms.IntegerField(
        label="Requêtes par heure",
        min_value=MIN_LIMIT,
        max_value=MAX_LIMIT,
        initial=DEFAULT_HOURLY_LIMIT,
        help_text=f"Sans clé, une adresse peut faire 600 requêtes par heure ; entre {MIN_LIMIT} et "
        f"{MAX_LIMIT} avec une clé.",
        error_messages={
            "invalid": "Saisissez un nombre entier.",
            "min_value": f"La limite doit être au moins {MIN_LIMIT}.",
            "max_value": f"La limite doit être au plus {MAX_LIMIT}.",
        },
    )
