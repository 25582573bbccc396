"""How long accounts are kept (GDPR storage limitation), run daily by Celery beat.

Invariants:
- An account made for a colleague (by a coordinator's enrolment) that was never claimed is
  deleted ``RETENTION_UNCLAIMED_DAYS`` (90) after it was made.
- An account not used for ``RETENTION_INACTIVE_DAYS`` (3 years; counted from the last sign-in,
  or from when it was made if it never signed in) gets one warning email; unless the person
  signs in within ``RETENTION_WARNING_DAYS`` (30) after it, it is deleted. Signing in clears
  the warning.
- "Deleted" is ``personal_data.delete_account``: name, email, phone, password and sign-in
  links are removed, seats freed, unsent email dropped; the anonymised row stays, so
  registrations remain as statistics (profession and employer at the time) and certificates
  stay verifiable. Superusers are never deleted automatically.
- Nothing slow inside a transaction: each account is handled in its own transaction, and
  warnings are outbox intents sent after commit.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from outbox.services import enqueue

from .personal_data import delete_account

WARNING_TEMPLATE = "people/email/retention_warning"


def _people():
    return get_user_model().objects.filter(anonymised_at__isnull=True, is_superuser=False)


def unclaimed_due(now):
    """Accounts made for someone who never set a password nor signed in, made long enough
    ago."""
    cutoff = now - timedelta(days=settings.RETENTION_UNCLAIMED_DAYS)
    return (
        _people()
        .filter(last_login__isnull=True, date_joined__lt=cutoff)
        # No usable password: Django marks one with a leading "!" (UNUSABLE_PASSWORD_PREFIX).
        .filter(Q(password="") | Q(password__startswith=UNUSABLE_PASSWORD_PREFIX))
        .filter(socialaccount__isnull=True)
    )


def _last_used():
    return Coalesce(F("last_login"), F("date_joined"))


def to_warn(now):
    cutoff = now - timedelta(days=settings.RETENTION_INACTIVE_DAYS)
    return (
        _people()
        .alias(last_used=_last_used())
        .filter(last_used__lt=cutoff, retention_warned_at__isnull=True)
    )


def warned_due(now):
    """Warned long enough ago, and not signed in since the warning."""
    cutoff = now - timedelta(days=settings.RETENTION_WARNING_DAYS)
    return (
        _people()
        .filter(retention_warned_at__lt=cutoff)
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=F("retention_warned_at")))
    )


def apply_retention(now=None):
    """Run the rules once; returns counts ``{"unclaimed": n, "warned": n, "inactive": n}``."""
    now = now or timezone.now()
    # Someone who signed in after a warning keeps the account: forget the warning.
    _people().filter(
        retention_warned_at__isnull=False, last_login__gt=F("retention_warned_at")
    ).update(retention_warned_at=None)

    counts = {"unclaimed": 0, "warned": 0, "inactive": 0}
    for user in unclaimed_due(now).iterator():
        with transaction.atomic():
            delete_account(user)
        counts["unclaimed"] += 1
    for user in warned_due(now).iterator():
        with transaction.atomic():
            delete_account(user)
        counts["inactive"] += 1
    deletion_date = now + timedelta(days=settings.RETENTION_WARNING_DAYS)
    years = max(1, round(settings.RETENTION_INACTIVE_DAYS / 365))
    for user in to_warn(now).iterator():
        with transaction.atomic():
            user.retention_warned_at = now
            user.save(update_fields=["retention_warned_at"])
            enqueue(
                to=user.email,
                template=WARNING_TEMPLATE,
                language=user.preferred_language,
                kind="retention_warning",
                params={
                    "name": user.get_full_name(),
                    "deletion_date": timezone.localdate(deletion_date).strftime("%d.%m.%Y"),
                    "years": years,
                    "site_url": settings.SITE_BASE_URL,
                },
            )
        counts["warned"] += 1
    return counts
