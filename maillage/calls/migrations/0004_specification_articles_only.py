"""The specification becomes articles, step 3 of 3: the old body and the comments' link to a version go;
every comment now belongs to an article."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0003_split_specifications_into_articles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveField(model_name="speccomment", name="specification"),
        migrations.AlterField(
            model_name="speccomment",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="comments", to="calls.specarticle"
            ),
        ),
        migrations.AlterField(
            model_name="speccomment",
            name="author",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RemoveField(model_name="specification", name="body"),
    ]
