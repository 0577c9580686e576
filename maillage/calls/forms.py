"""Forms of the calls. Services check everything again; forms only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms

from maillage.actors.models import Structure
from maillage.calls.models import Application, BudgetLine, Call

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CallCreateForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    title = forms.CharField(label="Titre", max_length=200)


class CallTermsForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    summary = forms.CharField(label="Présentation", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    envelope = forms.DecimalField(label="Enveloppe de l'appel (€)", min_value=0, decimal_places=2)
    ceiling = forms.DecimalField(label="Plafond par projet (€)", min_value=0, decimal_places=2)
    opens_on = forms.DateField(label="Ouverture des candidatures", required=False, widget=DATE)
    deadline = forms.DateTimeField(
        label="Date limite de dépôt",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    jury_on = forms.DateField(label="Réunion du jury", required=False, widget=DATE)
    results_on = forms.DateField(label="Annonce des résultats", required=False, widget=DATE)
    checklist = forms.CharField(
        label="Critères d'éligibilité à cocher",
        help_text="Un critère par ligne ; le candidat coche chacun.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    families = forms.MultipleChoiceField(
        label="Familles de l'ESS admises (aucune cochée : toutes)",
        choices=Structure.Family.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    communes = forms.CharField(
        label="Communes admises (codes INSEE séparés par des espaces ; vide : tout le territoire)",
        required=False,
    )
    min_age_months = forms.IntegerField(
        label="Ancienneté minimale de la structure (mois)", min_value=0, initial=0
    )
    charter_required = forms.BooleanField(label="Réservé aux signataires de la charte", required=False)
    questions = forms.CharField(
        label="Questions du formulaire de candidature",
        help_text="Une question par ligne.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    normalise_scores = forms.BooleanField(
        label="Normaliser les notes par juré dans le classement", required=False
    )
    grantor_name = forms.CharField(label="Nom de l'attribuant (données ouvertes)", required=False)
    grantor_siret = forms.CharField(label="SIRET de l'attribuant", required=False, max_length=17)

    @classmethod
    def initial_for(cls, call: Call) -> dict[str, Any]:
        return {
            "title": call.title,
            "summary": call.summary,
            "envelope": call.envelope,
            "ceiling": call.ceiling,
            "opens_on": call.opens_on,
            "deadline": call.deadline,
            "jury_on": call.jury_on,
            "results_on": call.results_on,
            "checklist": "\n".join(call.checklist),
            "families": call.families,
            "communes": " ".join(call.communes),
            "min_age_months": call.min_age_months,
            "charter_required": call.charter_required,
            "questions": "\n".join(call.questions),
            "normalise_scores": call.normalise_scores,
            "grantor_name": call.grantor_name,
            "grantor_siret": call.grantor_siret,
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["checklist"] = _lines(data["checklist"])
        data["questions"] = _lines(data["questions"])
        data["communes"] = (data["communes"] or "").split()
        return data


class CriterionForm(forms.Form):
    """One evaluation criterion: its name, its weight, and « Retirer » (the formset's DELETE)."""

    label = forms.CharField(label="Nom du critère", max_length=200, required=False)
    weight = forms.CharField(
        label="Pondération (1 à 10)",
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": 10, "inputmode": "numeric"}),
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("label") or "").strip() and not (data.get("weight") or "").strip()


class BaseCriteriaFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Retirer ce critère"


CriteriaFormSet = forms.formset_factory(CriterionForm, formset=BaseCriteriaFormSet, extra=2, can_delete=True)


def criteria_rows(formset: Any) -> list[tuple[str, str]]:
    """(name, weight) of the rows kept: neither marked « Retirer » nor left blank."""
    return [
        (f.cleaned_data.get("label") or "", f.cleaned_data.get("weight") or "")
        for f in formset.forms
        if not f.cleaned_data.get("DELETE") and not f.is_blank()
    ]


class SpecArticleForm(forms.Form):
    """An article of the specification: its title and its text (Markdown)."""

    title = forms.CharField(
        label="Titre de l'article",
        max_length=200,
        error_messages={"required": "Donnez un titre à l'article."},
    )
    body = forms.CharField(
        label="Texte de l'article (Markdown)",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Écrivez le texte de l'article."},
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Votre commentaire",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Écrivez votre commentaire."},
    )


class StartForm(forms.Form):
    structure = forms.ModelChoiceField(label="Structure candidate", queryset=Structure.objects.none())
    title = forms.CharField(label="Titre du projet", max_length=200)

    def __init__(self, *args: Any, structures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures


class ApplicationForm(forms.Form):
    """The call's form: fixed fields, one per question, the checklist, and a budget table of rows."""

    title = forms.CharField(label="Titre du projet", max_length=200)
    summary = forms.CharField(
        label="Résumé du projet", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    founded_on = forms.DateField(label="Date de création de la structure", required=False, widget=DATE)
    requested_amount = forms.DecimalField(
        label="Montant demandé à l'appel (€)", min_value=0, decimal_places=2
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        call = application.call
        lines = list(application.budget_lines.all())
        self.row_count = max(len(lines) + 2, 6)
        initial = {
            "title": application.title,
            "summary": application.summary,
            "founded_on": application.founded_on,
            "requested_amount": application.requested_amount,
            "checklist": application.checklist,
        }
        for i, question in enumerate(call.questions):
            initial[f"q{i}"] = application.answers.get(question, "")
        for i, line in enumerate(lines):
            initial.update(
                {
                    f"b{i}_kind": line.kind,
                    f"b{i}_label": line.label,
                    f"b{i}_funder": line.funder,
                    f"b{i}_amount": line.amount,
                }
            )
        super().__init__(*args, initial=initial, **kwargs)
        self.questions = list(call.questions)
        for i, question in enumerate(self.questions):
            self.fields[f"q{i}"] = forms.CharField(
                label=question, widget=forms.Textarea(attrs={"rows": 4}), required=False
            )
        if call.checklist:
            self.fields["checklist"] = forms.MultipleChoiceField(
                label="Critères d'éligibilité (cochez chacun)",
                choices=[(c, c) for c in call.checklist],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        for i in range(self.row_count):
            self.fields[f"b{i}_kind"] = forms.ChoiceField(
                label=f"Ligne {i + 1} : nature", choices=[("", "—"), *BudgetLine.Kind.choices], required=False
            )
            self.fields[f"b{i}_label"] = forms.CharField(
                label=f"Ligne {i + 1} : poste", required=False, max_length=200
            )
            self.fields[f"b{i}_funder"] = forms.CharField(
                label=f"Ligne {i + 1} : cofinanceur", required=False, max_length=200
            )
            self.fields[f"b{i}_amount"] = forms.CharField(
                label=f"Ligne {i + 1} : montant (€)", required=False, max_length=20
            )

    def main_fields(self) -> list[Any]:
        names = ["title", "summary", "founded_on", "requested_amount"]
        names += [f"q{i}" for i in range(len(self.questions))]
        if "checklist" in self.fields:
            names.append("checklist")
        return [self[n] for n in names]

    def budget_rows(self) -> list[list[Any]]:
        return [
            [self[f"b{i}_{p}"] for p in ("kind", "label", "funder", "amount")] for i in range(self.row_count)
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data.get("summary", ""),
            "founded_on": data.get("founded_on"),
            "requested_amount": data["requested_amount"],
            "answers": {q: data.get(f"q{i}", "") for i, q in enumerate(self.questions)},
            "checklist": data.get("checklist", []),
            "budget": [
                {p: data.get(f"b{i}_{p}", "") for p in ("kind", "label", "funder", "amount")}
                for i in range(self.row_count)
            ],
        }


class AttachmentForm(forms.Form):
    label = forms.CharField(label="Intitulé de la pièce", max_length=200)
    file = forms.FileField(label="Fichier (PDF, document bureautique ou image)")


class EligibilityForm(forms.Form):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[
            ("eligible", "Éligible"),
            ("ineligible", "Non éligible"),
            ("piece", "Demander une pièce manquante"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Raison, ou pièce demandée", widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label="Délai pour fournir la pièce", required=False, widget=DATE)


class InviteForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="Adresse électronique")
    all_applications = forms.BooleanField(
        label="Évalue toutes les candidatures", required=False, initial=True
    )


class PaymentForm(forms.Form):
    amount = forms.CharField(label="Montant versé (€)", max_length=20)
    paid_on = forms.DateField(label="Date du versement", widget=DATE)
    reference = forms.CharField(label="Référence (mandat, virement)", required=False, max_length=100)


class EndowmentForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    source = forms.CharField(label="Origine des fonds", max_length=200)
    amount = forms.CharField(label="Montant (€)", max_length=20)
