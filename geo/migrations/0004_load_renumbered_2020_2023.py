from django.db import migrations


def load(apps, schema_editor):
    from geo.loader import load_municipalities

    load_municipalities(apps.get_model("geo", "County"), apps.get_model("geo", "Municipality"))


class Migration(migrations.Migration):
    dependencies = [("geo", "0003_municipality_replaced_by")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
