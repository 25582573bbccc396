from django.db import migrations

CODES = [
    "job_specialist",
    "therapist",
    "supervisor",
    "leader",
    "nav_adviser",
    "peer_worker",
    "other",
]


def create(apps, schema_editor):
    ProfessionOption = apps.get_model("people", "ProfessionOption")
    for order, code in enumerate(CODES):
        ProfessionOption.objects.update_or_create(code=code, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
