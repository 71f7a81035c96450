# Session.cohort becomes a ParentalKey (and Cohort a ClusterableModel, which needs no schema change) so that
# the Wagtail admin can edit a cohort's sessions inline. Hand-written: only this change, nothing else.

import django.db.models.deletion
import modelcluster.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("enrollment", "0003_language_reminder"),
    ]

    operations = [
        migrations.AlterField(
            model_name="session",
            name="cohort",
            field=modelcluster.fields.ParentalKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="sessions", to="enrollment.cohort",
                verbose_name="cohort"),
        ),
    ]
