from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.actors.models import Membership, Structure
from maillage.core.models import Commune
from maillage.core.text import long_date
from maillage.core.uploads import clean_image
from maillage.events import recurrence
from maillage.events.models import Event, Mode, OnHoliday, Series, Visibility
from maillage.events.recurrence import PARIS

PLACE_FIELDS = ["mode", "venue", "address", "commune", "online_url", "accessibility", "capacity"]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _hosts_field(territory: Any) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label="Structures d'accueil",
        queryset=Structure.objects.filter(territory=territory, status=Structure.Status.PUBLISHED),
        required=False,
        help_text="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
    )


def _communes(territory: Any):
    return Commune.objects.filter(territories=territory).order_by("name")


def _online_url() -> forms.URLField:
    return forms.URLField(label="Lien de la visioconférence", required=False, assume_scheme="https")


class EventForm(forms.ModelForm):
    online_url = _online_url()
    questions_text = forms.CharField(
        label="Questions aux inscrits",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Facultatif. Une question par ligne (ex. : régime alimentaire). "
        "Les réponses sont facultatives.",
    )

    class Meta:
        model = Event
        fields = [
            "title", "kind", "description", "start", "end", *PLACE_FIELDS, "visibility", "registration_open",
            "image", "image_alt",
        ]  # fmt: skip
        widgets = {
            "start": LocalDateTimeInput(),
            "end": LocalDateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, territory: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hosts"] = _hosts_field(territory)
        self.fields["commune"].queryset = _communes(territory)
        if self.instance.pk:
            self.fields["hosts"].initial = list(self.instance.hosts.values_list("pk", flat=True))
            self.fields["questions_text"].initial = "\n".join(self.instance.questions)

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):
            return clean_image(image)
        return image

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "La fin doit être après le début.")
        return data

    def service_fields(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name != "image" or self.cleaned_data.get("image")
        }
        data["questions"] = [
            q.strip() for q in self.cleaned_data.get("questions_text", "").splitlines() if q.strip()
        ][:10]
        return data


RULE_PRESETS = [
    ("FREQ=MONTHLY;BYDAY=1FR", "Le premier vendredi de chaque mois"),
    ("FREQ=MONTHLY;BYDAY=-1TH", "Le dernier jeudi de chaque mois"),
    ("FREQ=WEEKLY", "Chaque semaine, le même jour"),
    ("FREQ=WEEKLY;INTERVAL=2", "Toutes les deux semaines"),
    ("FREQ=MONTHLY", "Chaque mois, à la même date"),
    ("", "Autre règle (à écrire ci-dessous)"),
]


class SeriesForm(forms.ModelForm):
    online_url = _online_url()
    preset = forms.ChoiceField(
        label="Fréquence", choices=RULE_PRESETS, widget=forms.RadioSelect, required=False
    )
    custom_rule = forms.CharField(
        label="Règle personnalisée",
        required=False,
        help_text="Au format iCalendar, ex. FREQ=MONTHLY;BYDAY=2TU (le deuxième mardi de chaque mois).",
    )
    first_date = forms.DateField(label="Première date", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(
        label="Durée (en minutes)", min_value=15, max_value=24 * 60, initial=120
    )
    count = forms.IntegerField(
        label="Nombre de dates",
        required=False,
        min_value=1,
        max_value=400,
        help_text="Facultatif : laisser vide pour une série sans fin.",
    )
    on_holiday = forms.ChoiceField(
        label="Dates tombant un jour férié",
        choices=OnHoliday.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="À choisir si des dates de la série tombent un jour férié (1er janvier, 1er mai…).",
    )

    class Meta:
        model = Series
        fields = ["title", "kind", "description", *PLACE_FIELDS, "visibility"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, territory: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hosts"] = _hosts_field(territory)
        self.fields["commune"].queryset = _communes(territory)
        self.fields["preset"].initial = RULE_PRESETS[0][0]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        rule = data.get("custom_rule") or data.get("preset")
        if not rule:
            self.add_error("custom_rule", "Choisissez une fréquence ou écrivez une règle.")
        elif data.get("count"):
            rule = f"{rule};COUNT={data['count']}"
        data["rule"] = rule
        if data.get("first_date") and data.get("start_time"):
            data["first_start"] = dt.datetime.combine(data["first_date"], data["start_time"]).replace(
                tzinfo=PARIS
            )
        self.holidays = self._holidays(data)
        if self.holidays and not data.get("on_holiday"):
            dates = "; ".join(f"{long_date(day)} ({name})" for day, name in self.holidays)
            self.add_error(
                "on_holiday",
                f"Ces dates tombent un jour férié : {dates}. "
                "Choisissez de ne pas les tenir, de les reporter au jour ouvré suivant ou de les maintenir.",
            )
        data["on_holiday"] = data.get("on_holiday") or OnHoliday.KEEP
        return data

    @staticmethod
    def _holidays(data: dict[str, Any]) -> list[tuple[dt.datetime, str]]:
        """The series' dates of the coming year that fall on a French public holiday."""
        if not data.get("rule") or not data.get("first_start"):
            return []
        try:
            dates = recurrence.occurrences(data["rule"], data["first_start"], after=data["first_start"])
        except ValidationError:
            return []  # the service reports a bad rule
        return recurrence.holidays_among(dates[: recurrence.MAX_OCCURRENCES])


SCOPES = [
    ("this", "Cette date seulement"),
    ("following", "Cette date et les suivantes"),
    ("all", "Toutes les dates à venir de la série"),
]


class OccurrenceForm(forms.Form):
    scope = forms.ChoiceField(
        label="Appliquer la modification à", choices=SCOPES, widget=forms.RadioSelect, initial="this"
    )
    start_time = forms.TimeField(label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(label="Durée (en minutes)", min_value=15, max_value=24 * 60)
    venue = forms.CharField(label="Lieu", required=False, max_length=200)
    address = forms.CharField(label="Adresse", required=False, max_length=300)
    capacity = forms.IntegerField(label="Nombre de places", required=False, min_value=1)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        local = timezone.localtime(event.start, PARIS)
        kwargs.setdefault(
            "initial",
            {
                "start_time": local.time().replace(second=0),
                "duration_minutes": int((event.end - event.start).total_seconds() // 60),
                "venue": event.venue,
                "address": event.address,
                "capacity": event.capacity,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["hosts"] = _hosts_field(event.territory)
        self.fields["hosts"].initial = list(event.hosts.values_list("pk", flat=True))


class RegistrationForm(forms.Form):
    """Registration of a signed-in person (their structure, the event's questions)."""

    structure = forms.ModelChoiceField(
        label="Vous venez au titre de",
        queryset=Structure.objects.none(),
        required=False,
        empty_label="— à titre personnel ou autre structure —",
    )
    structure_name = forms.CharField(
        label="Autre structure",
        required=False,
        max_length=250,
        help_text="Si votre structure n'est pas dans la liste.",
    )

    def __init__(self, *args: Any, event: Event, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            self.fields["structure"].queryset = Structure.objects.filter(
                pk__in=Membership.objects.filter(user=user, structure__territory=event.territory).values(
                    "structure_id"
                )
            )
        else:
            del self.fields["structure"]
        for index, question in enumerate(event.questions):
            self.fields[f"q{index}"] = forms.CharField(label=question, required=False, max_length=1000)
        self.event = event

    def answers(self) -> dict[str, str]:
        return {q: self.cleaned_data.get(f"q{i}", "") for i, q in enumerate(self.event.questions)}


class EmailRegistrationForm(RegistrationForm):
    name = forms.CharField(
        label="Prénom et nom", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="Vous recevrez un lien pour confirmer votre inscription.",
    )
    field_order = ["name", "email", "structure_name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["structure_name"].label = "Votre structure"
        self.fields[
            "structure_name"
        ].help_text = "Facultatif : l'association, l'entreprise ou la collectivité où vous travaillez."


class MessageForm(forms.Form):
    subject = forms.CharField(label="Objet", max_length=200, help_text="Ex. : changement de salle.")
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 6}))


class ReportForm(forms.Form):
    report = forms.CharField(
        label="Compte rendu",
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text="Markdown. Ce qui a été dit, décidé, les suites.",
    )
    publish = forms.BooleanField(label="Publier le compte rendu sur la page du rendez-vous", required=False)


class PhotoForm(forms.Form):
    image = forms.ImageField(label="Photo")
    caption = forms.CharField(label="Légende (décrit la photo)", max_length=250)
    consent = forms.BooleanField(
        label="Les personnes reconnaissables sur cette photo ont accepté sa publication", required=False
    )

    def clean_image(self) -> Any:
        return clean_image(self.cleaned_data["image"])


class CampaignProposalForm(EventForm):
    pass


__all__ = ["Mode", "Visibility"]
