"""The training module's forms. The census answer form is built from the census' questions and themes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from maillage.actors.models import Structure
from maillage.training.models import (
    Census,
    Format,
    Period,
    Priority,
    Question,
    QuestionKind,
    Resource,
    Response,
    SupportKind,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CensusForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    description = forms.CharField(
        label="Présentation", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    opens_on = forms.DateField(label="Ouverture", widget=DATE)
    deadline = forms.DateTimeField(label="Date limite des réponses", widget=DATETIME)


class ThemeForm(forms.Form):
    name = forms.CharField(label="Nom du thème", max_length=120)
    description = forms.CharField(label="Précision", max_length=300, required=False)
    threshold = forms.IntegerField(
        label="Seuil (structures intéressées)",
        min_value=1,
        initial=5,
        help_text="Au-delà, le thème peut devenir une session collective.",
    )


class QuestionForm(forms.Form):
    label = forms.CharField(label="Question", max_length=300)
    kind = forms.ChoiceField(label="Type de réponse", choices=QuestionKind.choices)
    choices = forms.CharField(
        label="Choix proposés",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Un choix par ligne (questions à choix seulement).",
    )
    required = forms.BooleanField(label="Réponse obligatoire", required=False)
    depends_on = forms.ModelChoiceField(
        label="Afficher seulement si la question",
        queryset=Question.objects.none(),
        required=False,
        empty_label="(toujours afficher)",
    )
    depends_value = forms.CharField(
        label="a pour réponse", max_length=200, required=False, help_text="Ex. : oui, ou l'un des choix."
    )
    # The question being changed (empty: a new question).
    question = forms.ModelChoiceField(
        queryset=Question.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, census: Census, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["depends_on"].queryset = census.questions.all()
        self.fields["question"].queryset = census.questions.all()

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        return {
            "label": question.label,
            "kind": question.kind,
            "choices": "\n".join(question.choices),
            "required": question.required,
            "depends_on": question.depends_on_id,
            "depends_value": question.depends_value,
            "question": question.pk,
        }

    def editing(self) -> Question | None:
        """The question this form changes (from its initial data or the posted hidden field)."""
        raw = str(self["question"].value() or "")
        return self.fields["question"].queryset.filter(pk=int(raw)).first() if raw.isdigit() else None


class DeadlineForm(forms.Form):
    deadline = forms.DateTimeField(label="Nouvelle date limite", widget=DATETIME, required=False)


def _question_field(question: Question) -> forms.Field:
    hint = ""
    if question.depends_on_id:
        hint = (
            f"Seulement si vous avez répondu « {question.depends_value} » à « {question.depends_on.label} »."
        )
    common: dict[str, Any] = {"label": question.label, "required": False, "help_text": hint}
    if question.kind == QuestionKind.CHOICE:
        return forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in question.choices], **common)
    if question.kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=[("oui", "Oui"), ("non", "Non")], widget=forms.RadioSelect, **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, **common)


class AnswerForm(forms.Form):
    """A structure's answer: the questions (`q<pk>`) then, per theme, interest and details (`t<pk>_*`)."""

    def __init__(self, *args: Any, census: Census, response: Response | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.census = census
        self.questions = list(census.questions.select_related("depends_on"))
        self.themes = list(census.themes.all())
        existing = {i.theme_id: i for i in response.interests.all()} if response else {}
        for question in self.questions:
            field = _question_field(question)
            if response:
                field.initial = response.answers.get(str(question.pk), "")
            self.fields[f"q{question.pk}"] = field
        for theme in self.themes:
            interest = existing.get(theme.pk)
            prefix = f"t{theme.pk}"
            self.fields[f"{prefix}_on"] = forms.BooleanField(
                label=f"Ce thème intéresse notre structure : {theme.name}",
                required=False,
                initial=interest is not None,
            )
            self.fields[f"{prefix}_staff"] = forms.IntegerField(
                label="Personnes concernées",
                min_value=1,
                max_value=500,
                required=False,
                initial=interest.staff if interest else 1,
            )
            self.fields[f"{prefix}_priority"] = forms.TypedChoiceField(
                label="Priorité",
                choices=Priority.choices,
                coerce=int,
                required=False,
                initial=interest.priority if interest else Priority.MEDIUM,
            )
            self.fields[f"{prefix}_periods"] = forms.MultipleChoiceField(
                label="Périodes souhaitées",
                choices=Period.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=interest.periods if interest else [],
            )
            self.fields[f"{prefix}_formats"] = forms.MultipleChoiceField(
                label="Formats souhaités",
                choices=Format.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=interest.formats if interest else [],
            )
            self.fields[f"{prefix}_constraints"] = forms.CharField(
                label="Contraintes (jours, horaires, accessibilité…)",
                max_length=300,
                required=False,
                initial=interest.constraints if interest else "",
            )

    def question_fields(self) -> list[tuple[Question, forms.BoundField]]:
        return [(q, self[f"q{q.pk}"]) for q in self.questions]

    def theme_groups(self) -> list[dict[str, Any]]:
        names = ("on", "staff", "priority", "periods", "formats", "constraints")
        return [{"theme": t, **{n: self[f"t{t.pk}_{n}"] for n in names}} for t in self.themes]

    def answers(self) -> dict[str, str]:
        return {str(q.pk): self.cleaned_data.get(f"q{q.pk}") or "" for q in self.questions}

    def interests(self) -> dict[int, dict[str, Any]]:
        data = self.cleaned_data
        return {
            t.pk: {
                "staff": data.get(f"t{t.pk}_staff") or 1,
                "priority": data.get(f"t{t.pk}_priority") or Priority.MEDIUM,
                "periods": data.get(f"t{t.pk}_periods") or [],
                "formats": data.get(f"t{t.pk}_formats") or [],
                "constraints": data.get(f"t{t.pk}_constraints") or "",
            }
            for t in self.themes
            if data.get(f"t{t.pk}_on")
        }


class SessionForm(forms.Form):
    title = forms.CharField(label="Titre de la session", max_length=200)
    trainer = forms.CharField(label="Intervenant ou organisme de formation", max_length=200)
    cofunders = forms.CharField(label="Cofinanceurs", max_length=300, required=False)
    start = forms.DateTimeField(label="Début", widget=DATETIME)
    end = forms.DateTimeField(label="Fin", widget=DATETIME)
    venue = forms.CharField(label="Lieu", max_length=200, required=False)
    capacity = forms.IntegerField(label="Nombre de places", min_value=1, required=False)
    priority_until = forms.DateTimeField(
        label="Inscriptions réservées aux structures intéressées jusqu'au",
        widget=DATETIME,
        help_text="Ensuite, les inscriptions s'ouvrent à tous dans l'agenda.",
    )
    resources = forms.ModelMultipleChoiceField(
        label="Ressources liées",
        queryset=Resource.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, territory: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = Resource.objects.filter(territory=territory)


class OfficeHoursForm(forms.Form):
    FREQUENCIES = [
        ("FREQ=WEEKLY", "Chaque semaine"),
        ("FREQ=WEEKLY;INTERVAL=2", "Toutes les deux semaines"),
        ("FREQ=MONTHLY", "Chaque mois (même jour du mois)"),
    ]
    adviser = forms.ModelChoiceField(label="Conseiller", queryset=None, empty_label=None)
    title = forms.CharField(label="Intitulé", max_length=200)
    frequency = forms.ChoiceField(label="Récurrence", choices=FREQUENCIES)
    first_start = forms.DateTimeField(label="Premier créneau", widget=DATETIME)
    slot_minutes = forms.IntegerField(
        label="Durée d'un créneau (minutes)", min_value=10, max_value=240, initial=45
    )
    slots_per_occurrence = forms.IntegerField(
        label="Créneaux à la suite", min_value=1, max_value=12, initial=3
    )
    place = forms.CharField(label="Lieu", max_length=300, required=False)
    online_url = forms.URLField(label="Lien de la visioconférence", required=False, assume_scheme="https")
    description = forms.CharField(
        label="Présentation", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    resources = forms.ModelMultipleChoiceField(
        label="Ressources liées",
        queryset=Resource.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les guides de la bibliothèque à télécharger depuis la page de la permanence.",
    )

    def __init__(self, *args: Any, advisers: Any, territory: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = advisers
        self.fields["resources"].queryset = Resource.objects.filter(territory=territory)


class BookingForm(forms.Form):
    structure = forms.ModelChoiceField(
        label="Pour la structure", queryset=Structure.objects.none(), empty_label=None
    )
    topic = forms.CharField(
        label="Sujet à aborder",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ex. : monter un dossier FSE+, diversifier nos financements.",
    )

    def __init__(self, *args: Any, structures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures


class SupportForm(forms.Form):
    structure = forms.ModelChoiceField(label="Structure", queryset=Structure.objects.none())
    kind = forms.ChoiceField(label="Type d'accompagnement", choices=SupportKind.choices)
    date = forms.DateField(label="Date", widget=DATE, initial=timezone.localdate)
    summary = forms.CharField(label="Résumé", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, structures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures


class ResourceForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    topic = forms.CharField(label="Sujet", max_length=120, required=False, help_text="Ex. : fonds européens.")
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    file = forms.FileField(label="Fichier", required=False, help_text="PDF, document bureautique ou image.")
    url = forms.URLField(label="Ou un lien", required=False, assume_scheme="https")


class AdviserForm(forms.Form):
    email = forms.EmailField(label="Adresse du compte du conseiller")
    organisation = forms.CharField(
        label="Organisme", max_length=200, help_text="Ex. : DLA des Alpes-Maritimes."
    )
