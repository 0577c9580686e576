from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest


class NameForm(forms.Form):
    """The person's first and last name: asked at sign-up, edited in « Mon espace » (both required)."""

    first_name = forms.CharField(
        label="Prénom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Indiquez votre prénom."},
    )
    last_name = forms.CharField(
        label="Nom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": "Indiquez votre nom."},
    )


class SignupNameForm(NameForm):
    """The base of allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS): it asks for the person's name.

    allauth's adapter (`save_user`) copies `first_name` and `last_name` from the cleaned data to the user.
    """

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request: HttpRequest, user: Any) -> None:
        """Called by allauth once the user is saved; the adapter has already set the names."""


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
