"""Load Estonia's counties and municipalities from accounts/administrative_units.py."""

from django.db import migrations


def load_units(apps, schema_editor):
    from accounts.administrative_units import COUNTIES

    County = apps.get_model("accounts", "County")
    Municipality = apps.get_model("accounts", "Municipality")
    for county_name, (code, municipalities) in COUNTIES.items():
        county, _ = County.objects.update_or_create(code=code, defaults={"name": county_name})
        for name in municipalities:
            Municipality.objects.update_or_create(name=name, defaults={"county": county})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load_units, migrations.RunPython.noop)]
