import secrets

from django.db import migrations, models

import people.models


def fill_tokens(apps, schema_editor):
    User = apps.get_model("people", "User")
    for user in User.objects.filter(calendar_token__isnull=True).only("pk"):
        user.calendar_token = secrets.token_urlsafe(24)
        user.save(update_fields=["calendar_token"])


class Migration(migrations.Migration):
    dependencies = [("people", "0003_user_anonymised_at_user_phone_and_more")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="calendar_token",
            field=models.CharField(editable=False, max_length=48, null=True),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="calendar_token",
            field=models.CharField(
                default=people.models.new_calendar_token, editable=False, max_length=48, unique=True
            ),
        ),
    ]
