"""Forms of the speed-meetings."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.formats import date_format

from maillage.events.models import Event
from maillage.matchmaking.models import ExchangeCampaign, Outcome, SpeedMeeting


class MeetingForm(forms.ModelForm):
    event = forms.ModelChoiceField(label="Rendez-vous de l'agenda", queryset=Event.objects.none())

    class Meta:
        model = SpeedMeeting
        fields = [
            "event",
            "title",
            "side_a",
            "side_b",
            "rounds",
            "round_minutes",
            "break_minutes",
            "tables",
            "table_names",
            "wishes_deadline",
            "time_limit",
        ]
        widgets = {
            "wishes_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "table_names": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, territory=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = Event.objects.filter(territory=territory).order_by("-start")


class PairForm(forms.Form):
    a = forms.ModelChoiceField(label="Premier participant", queryset=None)
    b = forms.ModelChoiceField(label="Second participant", queryset=None)

    def __init__(self, *args, participants=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["a"].queryset = participants
        self.fields["b"].queryset = participants


class PinForm(PairForm):
    round = forms.IntegerField(label="Tour", min_value=1)
    table = forms.IntegerField(label="Table (facultatif)", min_value=1, required=False)


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        meeting = obj.run.meeting
        return f"Tour {obj.round}, {meeting.table_label(obj.table - 1)} : {obj.a.label} et {obj.b.label}"


class SwapForm(forms.Form):
    first = SlotChoiceField(label="Première rencontre", queryset=None)
    second = SlotChoiceField(label="Seconde rencontre", queryset=None)

    def __init__(self, *args, slots=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first"].queryset = slots
        self.fields["second"].queryset = slots


class AvailabilityForm(forms.Form):
    first_round = forms.IntegerField(label="J'arrive pour le tour", min_value=1)
    last_round = forms.IntegerField(label="Je pars après le tour", min_value=1)


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(label="Suite donnée", choices=Outcome.choices)


class CampaignForm(forms.ModelForm):
    class Meta:
        model = ExchangeCampaign
        fields = [
            "title",
            "description",
            "side_a",
            "side_b",
            "first_date",
            "last_date",
            "registration_deadline",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "first_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "last_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "registration_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class VolunteerForm(forms.Form):
    side = forms.ChoiceField(label="Je viens", widget=forms.RadioSelect)
    name = forms.CharField(label="Mon nom", max_length=200)
    role = forms.CharField(label="Ma fonction", max_length=200, required=False)
    structure_name = forms.CharField(label="Ma structure ou mon entreprise", max_length=250)
    dates = forms.MultipleChoiceField(
        label="Les jours où je peux accueillir ou être accueilli (deux au moins)",
        widget=forms.CheckboxSelectMultiple,
    )
    presentation = forms.CharField(
        label="Ce que je voudrais découvrir, ce que je peux montrer",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, campaign: ExchangeCampaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side"].choices = [
            ("a", f"côté « {campaign.side_a} »"),
            ("b", f"côté « {campaign.side_b} »"),
        ]
        self.fields["dates"].choices = [(d.isoformat(), date_format(d, "l j F Y")) for d in campaign.days()]

    def clean_dates(self) -> list[dt.date]:
        return [dt.date.fromisoformat(value) for value in self.cleaned_data["dates"]]


class TestimonyForm(forms.Form):
    text = forms.CharField(label="Mon témoignage", widget=forms.Textarea(attrs={"rows": 6}), max_length=3000)
    consent = forms.BooleanField(
        label="J'accepte que ce témoignage soit publié sur la page de la campagne, "
        "avec mon nom et ma structure",
        required=False,
    )
