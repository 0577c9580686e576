from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from maillage.actors.taxonomy import PRACTICE_THEMES
from maillage.assessment.models import Question, QuestionKind
from maillage.assessment.scoring import format_number, range_text


def _initial(question: Question, value: Any) -> Any:
    if value is None:
        return None
    if question.kind == QuestionKind.YESNO:
        return "oui" if value else "non"
    if question.kind == QuestionKind.NUMBER:
        return format_number(value)
    return value


class AnswerForm(forms.Form):
    """One field per question (« q<id> »). Every field is optional here: the services say what a draft
    may hold and what a submission needs (with French messages)."""

    def __init__(self, questions: Iterable[Question], values: Mapping[int, Any], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            label = q.label + ("" if q.required else " (facultatif)")
            help_text = q.guidance
            if q.kind == QuestionKind.SCALE:
                field: forms.Field = forms.ChoiceField(
                    choices=[(str(i), lv) for i, lv in enumerate(q.levels)], widget=forms.RadioSelect
                )
            elif q.kind == QuestionKind.YESNO:
                field = forms.ChoiceField(choices=[("oui", "Oui"), ("non", "Non")], widget=forms.RadioSelect)
            elif q.kind == QuestionKind.NUMBER:
                limits = range_text(q)
                help_text = " ".join(x for x in (q.guidance, f"Une valeur {limits}." if limits else "") if x)
                field = forms.CharField(
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input-number"}),
                    label_suffix="",
                )
                if q.unit:
                    label = f"{label} (en {q.unit})"
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
            field.required = False
            field.label = label
            field.help_text = help_text
            initial = _initial(q, values.get(q.pk))
            field.initial = (
                str(initial) if isinstance(initial, int) and q.kind == QuestionKind.SCALE else initial
            )
            self.fields[f"q{q.pk}"] = field

    def fields_by_theme(self) -> list[dict[str, Any]]:
        blocks: dict[int, dict[str, Any]] = {}
        for q in self.questions:
            block = blocks.setdefault(q.theme_id, {"theme": q.theme, "fields": []})
            block["fields"].append(self[f"q{q.pk}"])
        return list(blocks.values())


class QuestionForm(forms.Form):
    theme = forms.ChoiceField(label="Thème", choices=list(PRACTICE_THEMES.items()))
    code = forms.SlugField(
        label="Code",
        max_length=40,
        help_text="Court et stable d'une version à l'autre : la réponse de l'an dernier pré-remplit "
        "la question de même code.",
    )
    kind = forms.ChoiceField(label="Type de réponse", choices=QuestionKind.choices)
    label = forms.CharField(label="Question", max_length=300)
    guidance = forms.CharField(
        label="Aide (facultatif)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    weight = forms.IntegerField(label="Poids", min_value=0, max_value=10, initial=1)
    required = forms.BooleanField(label="Réponse obligatoire", required=False, initial=True)
    levels = forms.CharField(
        label="Niveaux de l'échelle (un par ligne, du plus faible au plus fort)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    unit = forms.CharField(label="Unité (nombre)", max_length=30, required=False)
    min_value = forms.FloatField(label="Valeur minimale acceptée (nombre)", required=False)
    max_value = forms.FloatField(label="Valeur maximale acceptée (nombre)", required=False)
    score_zero = forms.FloatField(label="Valeur qui vaut 0 point (nombre)", required=False)
    score_full = forms.FloatField(label="Valeur qui vaut 100 points (nombre)", required=False)

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["levels"] = [line.strip() for line in (data.get("levels") or "").splitlines() if line.strip()]
        data.pop("theme", None)
        return data

    @classmethod
    def initial_for(cls, question: Question) -> dict[str, Any]:
        return {
            "theme": question.theme.key,
            "code": question.code,
            "kind": question.kind,
            "label": question.label,
            "guidance": question.guidance,
            "weight": question.weight,
            "required": question.required,
            "levels": "\n".join(question.levels or []),
            "unit": question.unit,
            "min_value": question.min_value,
            "max_value": question.max_value,
            "score_zero": question.score_zero,
            "score_full": question.score_full,
        }


class CampaignForm(forms.Form):
    year = forms.IntegerField(
        label="Année", min_value=2000, max_value=2100, error_messages={"required": "Indiquez l'année."}
    )
    closes_on = forms.DateField(
        label="Date de clôture prévue (facultatif)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class SharingForm(forms.Form):
    shared = forms.BooleanField(
        label="Afficher nos scores par thème sur la fiche publique de la structure",
        required=False,
        help_text="Seuls les scores par thème sont publiés, jamais les réponses. "
        "Vous pouvez les retirer à tout moment.",
    )
