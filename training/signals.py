"""A completed course may finish a training package: after the completion is committed, a
background task issues the package certificates the person has earned. After migrations,
NAPHA's national group gets the permissions to edit packages."""

from django.db import transaction
from django.db.models.signals import post_migrate, post_save
from django.dispatch import receiver

from enrollment.models import Registration

from .setup import ensure_package_editors
from .tasks import queue_package_certificates


@receiver(post_save, sender=Registration, dispatch_uid="training_completion")
def completion_may_finish_a_package(sender, instance, update_fields=None, **kwargs):
    if instance.completed_at is None:
        return
    if update_fields is not None and "completed_at" not in update_fields:
        return
    user_id = instance.user_id
    transaction.on_commit(lambda: queue_package_certificates(user_id))


@receiver(post_migrate, dispatch_uid="training_permissions")
def national_group_edits_packages(sender, **kwargs):
    if sender.name == "training":
        ensure_package_editors()
