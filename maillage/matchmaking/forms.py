"""Forms of the speed-meetings."""

from __future__ import annotations

from django import forms

from maillage.events.models import Event
from maillage.matchmaking.models import Outcome, SpeedMeeting


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


class AvailabilityForm(forms.Form):
    first_round = forms.IntegerField(label="J'arrive pour le tour", min_value=1)
    last_round = forms.IntegerField(label="Je pars après le tour", min_value=1)


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(label="Suite donnée", choices=Outcome.choices)
