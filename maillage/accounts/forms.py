from __future__ import annotations

from typing import Any

from django import forms


class EraseAccountForm(forms.Form):
    password = forms.CharField(
        label="Votre mot de passe",
        help_text="Par sécurité, saisissez à nouveau votre mot de passe.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="Je comprends que la suppression de mon compte est définitive.",
        error_messages={"required": "Cochez cette case pour confirmer la suppression."},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "Ce mot de passe n'est pas le bon : votre compte n'a pas été supprimé."
            )
        return password


class GrantRoleForm(forms.Form):
    email = forms.EmailField(
        label="Adresse électronique de la personne",
        help_text="La personne doit déjà avoir un compte sur la plateforme.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label="Rôle", choices=())

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = choices
