from __future__ import annotations

from django import forms

from maillage.workspace.models import Atelier, Thread

MARKDOWN_HINT = (
    "En Markdown : **gras**, *italique*, [lien](https://…), listes avec « - ». "
    "Mentionnez une structure ou une personne du territoire avec @ suivi de son identifiant "
    "(par exemple @camille-martin)."
)


class AtelierForm(forms.Form):
    name = forms.CharField(label="Nom de l'atelier", max_length=200)
    purpose = forms.CharField(label="Objet", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    policy = forms.ChoiceField(label="Adhésion", choices=Atelier.Policy.choices, widget=forms.RadioSelect)


class ThreadForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 8}), help_text=MARKDOWN_HINT)


class ExchangeForm(ThreadForm):
    kind = forms.ChoiceField(
        label="Vous…",
        choices=[
            (Thread.Kind.SEEK, "cherchez (un partenaire, un local, un savoir-faire…)"),
            (Thread.Kind.OFFER, "proposez (du matériel, une compétence, un projet à partager…)"),
        ],
        widget=forms.RadioSelect,
    )
    field_order = ["kind", "title", "body"]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Votre réponse", widget=forms.Textarea(attrs={"rows": 5}), help_text=MARKDOWN_HINT
    )


class EditPostForm(forms.Form):
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 8}), help_text=MARKDOWN_HINT)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="Ce qui pose problème",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="La modération (coordination de l'atelier, équipe d'animation) lira votre signalement.",
    )


class ModerateForm(forms.Form):
    reason = forms.CharField(label="Motif affiché à la place du message", max_length=300, required=False)


class NewsItemForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=300)
    url = forms.URLField(
        label="Adresse de l'article",
        max_length=1000,
        assume_scheme="https",
        error_messages={"invalid": "Indiquez une adresse complète, par exemple https://exemple.fr/article."},
    )
    summary = forms.CharField(
        label="Résumé", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    tags = forms.CharField(
        label="Mots-clés",
        required=False,
        max_length=300,
        help_text="Séparés par des virgules, par exemple : achats, IAE.",
    )


class NewsFeedForm(forms.Form):
    title = forms.CharField(label="Nom du flux", max_length=200)
    url = forms.URLField(
        label="Adresse du flux RSS ou Atom",
        max_length=1000,
        assume_scheme="https",
        error_messages={"invalid": "Indiquez une adresse complète, par exemple https://exemple.fr/flux.xml."},
    )
    tags = forms.CharField(
        label="Mots-clés ajoutés aux articles",
        required=False,
        max_length=300,
        help_text="Séparés par des virgules.",
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(
        label="Fichier",
        help_text="PDF, bureautique (ODT, ODS, ODP, DOCX, XLSX, PPTX), CSV, texte ou image ; 10 Mo au plus.",
    )


class VersionForm(forms.Form):
    file = forms.FileField(label="Nouvelle version du fichier", help_text="10 Mo au plus.")
    note = forms.CharField(label="Ce qui change", max_length=300, required=False)


class _LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    start = forms.DateTimeField(label="Début (heure de Paris)", widget=_LocalDateTimeInput())
    end = forms.DateTimeField(label="Fin (heure de Paris)", widget=_LocalDateTimeInput())
    venue = forms.CharField(
        label="Lieu", max_length=200, required=False, help_text="Ex. : salle du conseil, mairie de Grasse."
    )
    online_url = forms.URLField(
        label="Lien de la visioconférence",
        required=False,
        assume_scheme="https",
        help_text="Pour une réunion en ligne.",
    )
    capacity = forms.IntegerField(
        label="Nombre de places", required=False, min_value=1, help_text="Laissez vide : pas de limite."
    )

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("venue") and not data.get("online_url"):
            raise forms.ValidationError("Indiquez un lieu ou un lien de visioconférence.")
        return data

    def event_fields(self) -> dict:
        data = self.cleaned_data
        mode = (
            "hybrid"
            if data["venue"] and data["online_url"]
            else "online"
            if data["online_url"]
            else "in_person"
        )
        return {
            "title": data["title"],
            "start": data["start"],
            "end": data["end"],
            "venue": data["venue"],
            "online_url": data["online_url"],
            "capacity": data["capacity"],
            "mode": mode,
        }


class LinkMeetingForm(forms.Form):
    event = forms.TypedChoiceField(label="Rendez-vous de l'agenda", coerce=int)

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", "— choisir —"), *choices]


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label="Compte rendu",
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=50_000,
        help_text="En Markdown : **gras**, *italique*, [lien](https://…), listes avec « - ».",
    )
