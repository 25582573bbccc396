from django.db import migrations


def load(apps, schema_editor):
    from geo.loader import load_municipalities

    # Only the 2024 set: the history file needs ``replaced_by``, added in 0003 and loaded in 0004.
    load_municipalities(
        apps.get_model("geo", "County"), apps.get_model("geo", "Municipality"), history=None
    )


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
