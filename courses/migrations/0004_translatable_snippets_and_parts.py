"""Whole-page translations, step 1 of 3: the snippets and programme parts get a locale and a translation key
(nullable until step 2 fills them); names and slugs become unique per locale."""

import django.db.models.deletion
from django.db import migrations, models


def _translatable_fields(model_name):
    return [
        migrations.AddField(model_name=model_name, name="translation_key",
                            field=models.UUIDField(editable=False, null=True)),
        migrations.AddField(model_name=model_name, name="locale",
                            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                    related_name="+", to="wagtailcore.locale")),
    ]


class Migration(migrations.Migration):

    dependencies = [
        ("courses", "0003_certificate_validity"),
    ]

    operations = [
        *_translatable_fields("topic"),
        *_translatable_fields("targetgroup"),
        *_translatable_fields("provider"),
        *_translatable_fields("venue"),
        *_translatable_fields("programmepart"),
        migrations.AlterField(model_name="topic", name="name",
                              field=models.CharField(max_length=100, verbose_name="name")),
        migrations.AlterField(model_name="topic", name="slug",
                              field=models.SlugField(max_length=100, verbose_name="slug")),
        migrations.AlterField(model_name="targetgroup", name="name",
                              field=models.CharField(max_length=100, verbose_name="name")),
        migrations.AlterField(model_name="targetgroup", name="slug",
                              field=models.SlugField(max_length=100, verbose_name="slug")),
        migrations.AlterField(model_name="provider", name="name",
                              field=models.CharField(max_length=200, verbose_name="name")),
    ]
