"""Signatures and amendments get their machine's log (core's `TransitionLog`).

- Signatures: the former `SignatureEvent` lines become log lines, with their actor, date and note
  (« signature » → "" → active, « retrait » → active → withdrawn; an « anonymisation » was no move of the
  signature and is not carried over: the anonymised name on the signature says it). A signature without
  any line gets one: "" → its current state.
- Amendments had no log: each gets its history back from its own fields — "" → proposed (the author, the
  day it was proposed), then, when decided, proposed → accepted/rejected (who decided, when, the reason).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

SEEDED = "état à la mise en place du journal"


def seed_logs(apps, schema_editor):
    Signature = apps.get_model("charter", "Signature")
    SignatureEvent = apps.get_model("charter", "SignatureEvent")
    SignatureTransition = apps.get_model("charter", "SignatureTransition")
    Amendment = apps.get_model("charter", "Amendment")
    AmendmentTransition = apps.get_model("charter", "AmendmentTransition")
    moves = {"signed": ("", "active"), "withdrawn": ("active", "withdrawn")}
    lines = []
    for event in SignatureEvent.objects.order_by("at", "pk"):
        if event.action not in moves:
            continue
        from_state, to_state = moves[event.action]
        lines.append(
            SignatureTransition(
                signature_id=event.signature_id,
                from_state=from_state,
                to_state=to_state,
                actor_id=event.actor_id,
                at=event.at,
                note=(event.note or "")[:300],
            )
        )
    SignatureTransition.objects.bulk_create(lines)
    logged = set(SignatureTransition.objects.values_list("signature_id", flat=True))
    SignatureTransition.objects.bulk_create(
        SignatureTransition(signature_id=s.pk, from_state="", to_state=s.status, at=s.created_at, note=SEEDED)
        for s in Signature.objects.exclude(pk__in=logged)
    )
    lines = []
    for amendment in Amendment.objects.order_by("pk"):
        lines.append(
            AmendmentTransition(
                amendment_id=amendment.pk,
                from_state="",
                to_state="proposed",
                actor_id=amendment.author_id,
                at=amendment.created_at,
                note=SEEDED,
            )
        )
        if amendment.status != "proposed":
            lines.append(
                AmendmentTransition(
                    amendment_id=amendment.pk,
                    from_state="proposed",
                    to_state=amendment.status,
                    actor_id=amendment.decided_by_id,
                    at=amendment.decided_at or amendment.created_at,
                    note=(amendment.decision_reason or SEEDED)[:300],
                )
            )
    AmendmentTransition.objects.bulk_create(lines)


def restore_events(apps, schema_editor):
    SignatureEvent = apps.get_model("charter", "SignatureEvent")
    SignatureTransition = apps.get_model("charter", "SignatureTransition")
    actions = {"active": "signed", "withdrawn": "withdrawn"}
    SignatureEvent.objects.bulk_create(
        SignatureEvent(
            signature_id=line.signature_id, action=actions[line.to_state], actor_id=line.actor_id, note=line.note
        )
        for line in SignatureTransition.objects.order_by("at", "pk")
        if line.to_state in actions
    )


class Migration(migrations.Migration):
    dependencies = [
        ("charter", "0003_versiontransition_on_core_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AmendmentTransition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("from_state", models.CharField(blank=True, max_length=30)),
                ("to_state", models.CharField(max_length=30)),
                ("actor_label", models.CharField(blank=True, max_length=150)),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("note", models.CharField(blank=True, max_length=300)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "amendment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="transitions",
                        to="charter.amendment",
                    ),
                ),
            ],
            options={
                "verbose_name": "changement d'état d'un amendement",
                "verbose_name_plural": "changements d'état des amendements",
                "ordering": ["at", "pk"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="SignatureTransition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("from_state", models.CharField(blank=True, max_length=30)),
                ("to_state", models.CharField(max_length=30)),
                ("actor_label", models.CharField(blank=True, max_length=150)),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("note", models.CharField(blank=True, max_length=300)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "signature",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="transitions",
                        to="charter.signature",
                    ),
                ),
            ],
            options={
                "verbose_name": "changement d'état d'une signature",
                "verbose_name_plural": "changements d'état des signatures",
                "ordering": ["at", "pk"],
                "abstract": False,
            },
        ),
        migrations.RunPython(seed_logs, restore_events),
        migrations.DeleteModel(name="SignatureEvent"),
    ]
