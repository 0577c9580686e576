"""Forms of the plan's animator pages. They only parse input; services validate and write."""

from __future__ import annotations

from django import forms

from maillage.actors.models import Structure
from maillage.core.registry import registry
from maillage.plan.models import Contract, Means, Node, Precision

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["title", "summary", "parties", "signed_on", "starts_on", "ends_on", "animator_label"]
        widgets = {
            "signed_on": DATE,
            "starts_on": DATE,
            "ends_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 5}),
            "parties": forms.Textarea(attrs={"rows": 3}),
        }


class VersionCopyForm(forms.Form):
    year = forms.IntegerField(label="Année du nouveau plan", min_value=2000, max_value=2100)


class NodeForm(forms.Form):
    kind = forms.ChoiceField(label="Niveau", choices=Node.Kind.choices)
    parent = forms.ModelChoiceField(
        label="Élément parent",
        queryset=Node.objects.none(),
        required=False,
        help_text=(
            "Un objectif opérationnel se place sous un objectif, une action sous un objectif opérationnel."
        ),
    )
    number = forms.CharField(label="Numéro", max_length=20, required=False, help_text="Ex. « 1.2 ».")
    title = forms.CharField(label="Intitulé", max_length=400)
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    weight = forms.IntegerField(
        label="Poids",
        min_value=1,
        max_value=100,
        initial=1,
        help_text="Poids dans l'avancement du parent (1 à 100).",
    )
    starts_on = forms.DateField(label="Début prévu", required=False, widget=DATE)
    ends_on = forms.DateField(label="Fin prévue", required=False, widget=DATE)
    lead = forms.ModelChoiceField(label="Structure pilote", queryset=Structure.objects.none(), required=False)
    lead_label = forms.CharField(label="Pilote (autre)", max_length=200, required=False)
    partners = forms.ModelMultipleChoiceField(
        label="Structures partenaires",
        queryset=Structure.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    partners_label = forms.CharField(label="Autres partenaires", max_length=400, required=False)

    def __init__(self, *args, version, territory, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Node.objects.filter(version=version).exclude(kind=Node.Kind.ACTION)
        structures = Structure.objects.filter(territory=territory, status=Structure.Status.PUBLISHED)
        self.fields["lead"].queryset = structures
        self.fields["partners"].queryset = structures

    def node_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("partners")
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Nouveau statut", choices=())
    note = forms.CharField(label="Commentaire", max_length=500, required=False)

    def __init__(self, *args, allowed, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, Node.Status(s).label) for s in allowed]


class ProgressForm(forms.Form):
    progress = forms.CharField(label="Avancement (%)", max_length=6, help_text="Un nombre entier de 0 à 100.")


class MeansForm(forms.Form):
    kind = forms.ChoiceField(label="Nature", choices=Means.Kind.choices)
    description = forms.CharField(label="Description", max_length=400)
    amount = forms.DecimalField(label="Montant (€)", required=False, min_value=0, decimal_places=2)


class ScheduleForm(forms.Form):
    label = forms.CharField(
        label="Libellé", max_length=300, required=False, help_text="Tel qu'écrit dans le plan."
    )
    date = forms.DateField(label="Date", required=False, widget=DATE, help_text="Un jour de la période.")
    precision = forms.ChoiceField(label="Précision", choices=Precision.choices, initial=Precision.MONTH)
    until = forms.DateField(label="Jusqu'à (facultatif)", required=False, widget=DATE)
    until_precision = forms.ChoiceField(
        label="Précision de la fin", choices=Precision.choices, initial=Precision.MONTH
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=300)
    date = forms.DateField(label="Date", widget=DATE)
    precision = forms.ChoiceField(
        label="Précision", choices=[c for c in Precision.choices if c[0] != Precision.ONGOING]
    )


class IndicatorForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=300)
    unit = forms.CharField(label="Unité", max_length=50, required=False)
    baseline = forms.DecimalField(label="Valeur de départ", required=False, decimal_places=2)
    target = forms.DecimalField(label="Cible", required=False, decimal_places=2)
    target_date = forms.DateField(label="Échéance de la cible", required=False, widget=DATE)
    metric_key = forms.ChoiceField(label="Calcul automatique", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric_key"].choices = [("", "Aucun : saisie à la main")] + [
            (m.key, m.label) for m in sorted(registry.metrics.values(), key=lambda m: m.label)
        ]


class MeasurementForm(forms.Form):
    date = forms.DateField(label="Date de la mesure", widget=DATE)
    value = forms.CharField(label="Valeur", max_length=30)
    note = forms.CharField(label="Commentaire", max_length=300, required=False)


class LinkForm(forms.Form):
    target = forms.ChoiceField(label="Élément de la plateforme")

    def __init__(self, *args, territory, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        groups = []
        for target in sorted(registry.link_targets.values(), key=lambda t: t.label):
            options = [(f"{target.key}:{pk}", label) for pk, label in target.choices(territory)]
            if options:
                groups.append((target.label, options))
        self.fields["target"].choices = [("", "Choisir…")] + groups


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier CSV ou XLSX", help_text="Le format de l'export du plan (2 Mo au plus)."
    )
    dry_run = forms.BooleanField(
        label="Simulation : vérifier sans rien enregistrer", required=False, initial=True
    )


class EvaluationOpenForm(forms.Form):
    consultation_ends_on = forms.DateField(label="Fin de la consultation des partenaires", widget=DATE)


class EvaluationConcludeForm(forms.Form):
    conclusions = forms.CharField(
        label="Conclusions de l'animation", widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    next_year_changes = forms.CharField(
        label="Changements pour l'année suivante", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    plenary_event = forms.TypedChoiceField(
        label="Plénière : l'événement de l'agenda",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Son intitulé, sa date et sa page figurent dans le rapport.",
    )
    plenary_label = forms.CharField(
        label="Plénière (intitulé, si elle n'est pas dans l'agenda)", max_length=250, required=False
    )
    plenary_url = forms.CharField(
        label="Adresse de la plénière (si elle n'est pas dans l'agenda)",
        max_length=500,
        required=False,
    )
    close_consultation = forms.BooleanField(label="Clore la consultation des partenaires", required=False)
    adopt = forms.BooleanField(
        label="Adopter le rapport (il sera figé et publié en HTML et PDF)", required=False
    )

    def __init__(self, *args, plenary_choices: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if plenary_choices:
            self.fields["plenary_event"].choices = [("", "Aucun (intitulé ci-dessous)")] + [
                (str(pk), label) for pk, label in plenary_choices
            ]
        else:
            del self.fields["plenary_event"]


class CommentForm(forms.Form):
    structure = forms.ModelChoiceField(label="Au nom de", queryset=Structure.objects.none(), required=False)
    text = forms.CharField(
        label="Votre commentaire", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )

    def __init__(self, *args, structures, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if structures:
            self.fields["structure"].queryset = Structure.objects.filter(pk__in=[s.pk for s in structures])
            self.fields["structure"].required = True
            self.fields["structure"].initial = structures[0].pk
        else:
            del self.fields["structure"]


class DocumentForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=250)
    url = forms.URLField(label="Adresse du document", assume_scheme="https", help_text="Ex. https://…")
