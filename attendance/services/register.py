"""The attendance register and completion.

Invariants:
- one record per participant and session; only the run's organisers write records, except a
  participant's own check-in and own advance notice of absence;
- completion is computed when the organiser closes the register: by default attended time
  (present or late) is at least 80 % of the scheduled session time, excused absence does not
  count as attended; alternatively all sessions; an organiser's override is recorded with its
  reason;
- closing the register queues certificate generation in the background and never blocks the
  request, and announces ``attendance.signals.register_closed`` with those who attended (at
  least one session present or late), inside its transaction.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import RuleError
from enrollment.models import Registration, RegistrationStatus
from enrollment.services.errors import NotAllowed
from enrollment.services.locking import lock_run
from enrollment.services.registration import mark_completed, record_completion

from ..models import ATTENDED, AttendanceRecord, AttendanceStatus, CertificateBatch
from ..signals import register_closed
from ..tasks import generate_certificates
from .errors import AttendanceError


def confirmed(run):
    return (
        Registration.objects.filter(run=run, status=RegistrationStatus.CONFIRMED)
        .select_related("user", "employer")
        .order_by("user__last_name", "user__first_name")
    )


def record(session, registration, status, *, actor, reason="", now=None, self_check_in=False):
    now = now or timezone.now()
    if registration.run_id != session.run_id or registration.status != RegistrationStatus.CONFIRMED:
        raise AttendanceError(_("This person is not a confirmed participant of this session."))
    if status not in AttendanceStatus.values:
        raise AttendanceError(_("Unknown attendance status."))
    if status == AttendanceStatus.EXCUSED and not reason.strip():
        raise AttendanceError(_("Give a reason for the excused absence."))
    obj, _created = AttendanceRecord.objects.update_or_create(
        registration=registration,
        session=session,
        defaults={
            "status": status,
            "reason": reason.strip()[:300],
            "recorded_by": actor,
            "recorded_at": now,
            "self_check_in": self_check_in,
        },
    )
    return obj


@transaction.atomic
def save_register(session, statuses, *, actor, now=None):
    """Save a whole session's register: {registration id: (status, reason)}. All or nothing."""
    registrations = {r.pk: r for r in confirmed(session.run)}
    errors = {}
    for registration_id, (status, reason) in statuses.items():
        registration = registrations.get(registration_id)
        if registration is None:
            errors[registration_id] = _("Not a participant of this session.")
            continue
        try:
            record(session, registration, status, actor=actor, reason=reason, now=now)
        except RuleError as exc:
            errors[registration_id] = exc.message
    if errors:
        transaction.set_rollback(True)
    return errors


@transaction.atomic
def mark_all_present(session, *, actor, now=None):
    """Everyone without a record yet is present; the exceptions are then changed one by one."""
    now = now or timezone.now()
    existing = set(
        AttendanceRecord.objects.filter(session=session).values_list("registration_id", flat=True)
    )
    new = [
        AttendanceRecord(
            registration=r,
            session=session,
            status=AttendanceStatus.PRESENT,
            recorded_by=actor,
            recorded_at=now,
        )
        for r in confirmed(session.run)
        if r.pk not in existing
    ]
    AttendanceRecord.objects.bulk_create(new)
    return len(new)


def report_absence(registration, session, *, user, reason, now=None):
    """A participant tells in advance that they cannot come (excused, with reason)."""
    now = now or timezone.now()
    if registration.user_id != user.pk:
        raise NotAllowed()
    if session.starts_at <= now:
        raise AttendanceError(_("The session has started; tell the organiser instead."))
    if not reason.strip():
        raise AttendanceError(_("Give a reason for the absence."))
    return record(
        session, registration, AttendanceStatus.EXCUSED, actor=user, reason=reason, now=now
    )


def attended_share(run, records):
    """Share (0..1) of the scheduled time attended, from this person's records."""
    sessions = run.ordered_sessions()
    total = sum(s.hours for s in sessions)
    attended = sum(s.hours for s in sessions if records.get(s.pk) in ATTENDED)
    return (attended / total) if total else 0.0


def meets_rule(run, records):
    sessions = run.ordered_sessions()
    if not sessions:
        return False
    if run.completion_rule == "all":
        return all(records.get(s.pk) in ATTENDED for s in sessions)
    return attended_share(run, records) * 100 + 1e-9 >= run.completion_percent


def close_register(run, *, actor, now=None):
    """Compute completion for every confirmed participant and start certificate generation.
    Returns the CertificateBatch whose progress the organiser follows."""
    now = now or timezone.now()
    with transaction.atomic():
        run = lock_run(run.pk)
        records = {}
        for registration_id, session_id, status in AttendanceRecord.objects.filter(
            session__run=run
        ).values_list("registration_id", "session_id", "status"):
            records.setdefault(registration_id, {})[session_id] = status
        completed = 0
        attended = []
        for registration in confirmed(run):
            own = records.get(registration.pk, {})
            if any(status in ATTENDED for status in own.values()):
                attended.append(registration)
            done = meets_rule(run, own)
            if done != bool(registration.completed_at):
                record_completion(
                    registration,
                    completed=done,
                    now=now,
                    actor=actor,
                    reason=_("Completed (attendance register closed)")
                    if done
                    else _("Not completed (attendance register closed)"),
                )
            completed += done
        run.register_closed_at = now
        run.save(update_fields=["register_closed_at", "updated_at"])
        batch = CertificateBatch.objects.create(run=run, total=completed)
        register_closed.send(sender=type(run), run=run, attended=attended, now=now, actor=actor)
        transaction.on_commit(lambda: generate_certificates.delay(batch.pk))
    return batch


def override_completion(registration, *, completed, reason, actor, now=None):
    """An organiser decides completion against the rule; the reason is required and recorded.
    A completion after the register was closed gets its certificate like the others."""
    if not str(reason).strip():
        raise AttendanceError(_("Give a reason for overriding completion."))
    template = (
        _("Completion set by organiser: %(r)s")
        if completed
        else _("Completion removed by organiser: %(r)s")
    )
    with transaction.atomic():
        registration = mark_completed(
            registration,
            actor=actor,
            completed=completed,
            now=now,
            reason=template % {"r": str(reason).strip()[:250]},
        )
        if completed and registration.run.register_closed_at:
            batch = CertificateBatch.objects.create(run=registration.run, total=1)
            transaction.on_commit(lambda: generate_certificates.delay(batch.pk))
    return registration
