"""Self check-in with a code that changes every 30 seconds.

Invariants: codes are derived from the server's clock only (HMAC of the session and the
30-second window), the previous window's code is still accepted (clock drift, slow scanning),
and check-in is possible only from 30 minutes before a session starts until it ends.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enrollment.models import Registration, RegistrationStatus

from ..models import ATTENDED, AttendanceRecord, AttendanceStatus
from .errors import AttendanceError
from .register import record

WINDOW_SECONDS = 30
OPENS_BEFORE = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=15)
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


def window(now):
    return int(now.timestamp() // WINDOW_SECONDS)


def code_for(session, window_number, length=6):
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"checkin:{session.pk}:{window_number}".encode(),
        hashlib.sha256,
    ).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _i in range(length):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def current_code(session, now=None):
    return code_for(session, window(now or timezone.now()))


def normalise(code):
    return "".join((code or "").upper().split()).replace("-", "")


def code_is_valid(session, code, now=None):
    now = now or timezone.now()
    code = normalise(code)
    current = window(now)
    return any(hmac.compare_digest(code, code_for(session, w)) for w in (current, current - 1))


def is_open(session, now=None):
    now = now or timezone.now()
    return session.starts_at - OPENS_BEFORE <= now <= session.ends_at


def check_in(session, user, code, now=None):
    now = now or timezone.now()
    if not is_open(session, now):
        raise AttendanceError(
            _("Check-in is open from 30 minutes before the session until it ends.")
        )
    if not code_is_valid(session, code, now):
        raise AttendanceError(_("The code is wrong or has expired. Use the code shown now."))
    registration = Registration.objects.filter(
        run_id=session.run_id, user=user, status=RegistrationStatus.CONFIRMED
    ).first()
    if registration is None:
        raise AttendanceError(_("You are not a confirmed participant of this course."))
    existing = AttendanceRecord.objects.filter(registration=registration, session=session).first()
    if existing and existing.status in ATTENDED:
        return existing
    status = (
        AttendanceStatus.LATE if now > session.starts_at + LATE_AFTER else AttendanceStatus.PRESENT
    )
    return record(session, registration, status, actor=user, now=now, self_check_in=True)
