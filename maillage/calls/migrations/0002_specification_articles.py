"""The specification becomes articles (core's versioned-document pattern, ADR 0018), step 1 of 3: the new
article table, the comments' link to an article, the dates of the versions. The old body and the comments'
link to a version stay until the data is moved (0003), then go (0004): three migrations, so PostgreSQL never
alters a table whose rows were just updated in the same transaction."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="specification",
            options={
                "ordering": ["call", "number"],
                "verbose_name": "version du cahier des charges",
                "verbose_name_plural": "versions du cahier des charges",
            },
        ),
        migrations.AlterField(
            model_name="specification",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "brouillon"),
                    ("open", "ouverte aux commentaires"),
                    ("adopted", "adoptée"),
                    ("superseded", "remplacée"),
                ],
                default="draft",
                max_length=20,
                verbose_name="statut",
            ),
        ),
        migrations.AddField(
            model_name="specification",
            name="opened_on",
            field=models.DateField(blank=True, null=True, verbose_name="ouverte aux commentaires le"),
        ),
        migrations.AddField(
            model_name="specification",
            name="adopted_on",
            field=models.DateField(blank=True, null=True, verbose_name="adoptée le"),
        ),
        migrations.AddField(
            model_name="specification",
            name="superseded_on",
            field=models.DateField(blank=True, null=True, verbose_name="remplacée le"),
        ),
        # A default, so that going back re-adds the column on existing rows before 0003 fills it again.
        migrations.AlterField(
            model_name="specification",
            name="body",
            field=models.TextField(
                blank=True, default="", verbose_name="texte du cahier des charges (Markdown)"
            ),
        ),
        migrations.CreateModel(
            name="SpecArticle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.UUIDField(default=uuid.uuid4, editable=False)),
                ("position", models.PositiveIntegerField(verbose_name="position")),
                ("title", models.CharField(max_length=200, verbose_name="titre")),
                ("body", models.TextField(verbose_name="texte (Markdown)")),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="articles",
                        to="calls.specification",
                    ),
                ),
            ],
            options={
                "verbose_name": "article du cahier des charges",
                "verbose_name_plural": "articles du cahier des charges",
                "ordering": ["version", "position", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("version", "key"), name="calls_spec_article_key_unique")
                ],
            },
        ),
        migrations.AlterField(
            model_name="speccomment",
            name="specification",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="comments",
                to="calls.specification",
            ),
        ),
        migrations.AddField(
            model_name="speccomment",
            name="article",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="comments",
                to="calls.specarticle",
            ),
        ),
    ]
