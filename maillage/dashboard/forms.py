from __future__ import annotations

from django import forms

from maillage.dashboard.selectors import year_choices


class YearForm(forms.Form):
    annee = forms.ChoiceField(
        label="Année",
        required=False,
        error_messages={
            "invalid_choice": "L'année « %(value)s » n'est pas proposée : choisissez-en une dans la liste."
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = year_choices()

    def year(self) -> int:
        if self.is_valid() and self.cleaned_data.get("annee"):
            return int(self.cleaned_data["annee"])
        return 0


class SearchForm(forms.Form):
    q = forms.CharField(label="Rechercher", max_length=200, required=False, strip=True)
