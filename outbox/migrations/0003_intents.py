"""Messages become intents rendered by the worker: template, params, a fixed Message-ID and a
claim lease; rendered fields are filled at delivery. Existing rows keep their rendered text and
are sent as written (empty template)."""

from email.utils import make_msgid

from django.db import migrations, models


def give_message_ids(apps, schema_editor):
    OutgoingMessage = apps.get_model("outbox", "OutgoingMessage")
    for pk in OutgoingMessage.objects.filter(message_id__isnull=True).values_list("pk", flat=True):
        OutgoingMessage.objects.filter(pk=pk).update(message_id=make_msgid(domain="ipskurs"))


class Migration(migrations.Migration):
    dependencies = [("outbox", "0002_calendar_part")]

    operations = [
        migrations.RemoveField(model_name="outgoingmessage", name="attachments"),
        migrations.RemoveField(model_name="outgoingmessage", name="headers"),
        migrations.AddField(
            model_name="outgoingmessage",
            name="template",
            field=models.CharField(blank=True, max_length=200, verbose_name="template"),
        ),
        migrations.AddField(
            model_name="outgoingmessage",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
        migrations.AddField(
            model_name="outgoingmessage",
            name="lease_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="claimed until"),
        ),
        migrations.AddField(
            model_name="outgoingmessage",
            name="message_id",
            field=models.CharField(max_length=255, null=True, verbose_name="Message-ID"),
        ),
        migrations.RunPython(give_message_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="outgoingmessage",
            name="message_id",
            field=models.CharField(max_length=255, unique=True, verbose_name="Message-ID"),
        ),
        migrations.AlterField(
            model_name="outgoingmessage",
            name="subject",
            field=models.CharField(blank=True, max_length=300, verbose_name="subject"),
        ),
        migrations.AlterField(
            model_name="outgoingmessage",
            name="body_text",
            field=models.TextField(blank=True, verbose_name="text"),
        ),
        migrations.AlterField(
            model_name="outgoingmessage",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("sending", "Sending"),
                    ("awaiting_retry", "Awaiting retry"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                    ("superseded", "Superseded by a newer message"),
                ],
                default="queued",
                max_length=20,
                verbose_name="status",
            ),
        ),
    ]
