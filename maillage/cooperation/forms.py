from __future__ import annotations

from django import forms


class SubscriptionForm(forms.Form):
    url = forms.CharField(
        label="Adresse de l'installation Maillage à suivre",
        max_length=500,
        help_text="L'adresse de son site (https://ess.exemple.fr) ou de son API publique "
        "(…/api/v1/cooperation/partages).",
        widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
        error_messages={"required": "Saisissez l'adresse de l'installation à suivre."},
    )
