"""Asking attendees, the single-use link, answering and reminders.

Invariants:
- when a register closes, each confirmed participant who attended (at least one session present
  or late) is asked once; no-shows and others are not; closing again asks nobody twice;
- the link is signed and personal and works without signing in; it answers once: a second
  answer is refused, and no answer is taken after the round closes;
- an answer is stored without the person (unless the questionnaire is named, which the form
  says): the invitation only records that the person answered, with no time or id that joins it
  to the answer;
- one reminder per round, after the questionnaire's reminder days, only to those who have not
  answered, and only while the round is open;
- the optional follow-up round opens once, the questionnaire's months after the course round,
  for the same people;
- everything here writes rows and outbox intents; nothing is sent inside a transaction.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import RuleError
from outbox.services import collect, enqueue

from ..models import Evaluation, EvaluationKind, Invitation, Response
from .questionnaires import current_version, questionnaire_for

SALT = "evaluation.answer"
INVITATION_TEMPLATE = "evaluation/email/invitation"
REMINDER_TEMPLATE = "evaluation/email/reminder"


class LinkError(RuleError):
    status_code = 400


class LinkTampered(LinkError):
    default_message = _(
        "This evaluation link is not valid. Check that you copied the whole link from the email."
    )


class AlreadyAnswered(LinkError):
    status_code = 409
    default_message = _("You have already answered this evaluation. Thank you!")


class Closed(LinkError):
    status_code = 410
    default_message = _("This evaluation has closed; answers are no longer taken.")


def token(invitation):
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT)


def invitation_for_token(value, now=None):
    """The invitation a link opens, or a LinkError saying why not."""
    try:
        data = signing.loads(value, salt=SALT)
        invitation = Invitation.objects.select_related(
            "evaluation__version", "evaluation__run__course"
        ).get(pk=int(data["i"]), nonce=str(data["n"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Invitation.DoesNotExist):
        raise LinkTampered() from None
    check_open(invitation, now)
    return invitation


def check_open(invitation, now=None):
    now = now or timezone.now()
    if invitation.answered:
        raise AlreadyAnswered()
    if not invitation.evaluation.is_open(now):
        raise Closed()


def _employer_county(registration):
    employer = registration.employer
    return employer.county_id if employer is not None else None


def ask(run, registrations, *, kind=EvaluationKind.COURSE, questionnaire=None, now=None):
    """Open (or reuse) the round of ``kind`` for ``run`` and invite each registration's person
    who is not invited yet. Returns the evaluation, or None when nothing is to be asked."""
    now = now or timezone.now()
    questionnaire = questionnaire or questionnaire_for(run)
    if questionnaire is None:
        return None
    evaluation = Evaluation.objects.filter(run=run, kind=kind).first()
    if evaluation is None:
        evaluation = Evaluation.objects.create(
            run=run,
            kind=kind,
            version=current_version(questionnaire),
            opened_at=now,
            remind_at=now + timedelta(days=questionnaire.reminder_days),
            closes_at=now + timedelta(days=questionnaire.open_days),
        )
    _invite(
        evaluation,
        [(r.user, r.profession or r.user.profession, _employer_county(r)) for r in registrations],
    )
    return evaluation


def _invite(evaluation, people):
    """Invite each (user, profession, county id) not invited to ``evaluation`` yet, by email."""
    invited = set(evaluation.invitations.values_list("user_id", flat=True))
    new = [
        Invitation(evaluation=evaluation, user=user, profession=profession, county_id=county)
        for user, profession, county in people
        if user.pk not in invited
    ]
    Invitation.objects.bulk_create(new)
    created = evaluation.invitations.filter(user_id__in=[i.user_id for i in new]).select_related(
        "user"
    )
    with collect():
        for invitation in created:
            enqueue(
                to=invitation.user.email,
                template=INVITATION_TEMPLATE,
                language=invitation.user.preferred_language,
                kind="evaluation",
                params={"invitation": invitation.pk},
            )


def send_follow_ups(now=None):
    """The follow-up round of each course round whose questionnaire has one, once its months
    have passed: the same people are asked again (their profession and county as then)."""
    now = now or timezone.now()
    count = 0
    due = (
        Evaluation.objects.filter(
            kind=EvaluationKind.COURSE, version__questionnaire__follow_up__isnull=False
        )
        .exclude(run__in=Evaluation.objects.filter(kind=EvaluationKind.FOLLOW_UP).values("run_id"))
        .select_related("run", "version__questionnaire__follow_up")
    )
    for evaluation in due:
        questionnaire = evaluation.version.questionnaire
        if evaluation.opened_at + relativedelta(months=questionnaire.follow_up_months) > now:
            continue
        with transaction.atomic():
            follow_up = questionnaire.follow_up
            round_ = Evaluation.objects.create(
                run=evaluation.run,
                kind=EvaluationKind.FOLLOW_UP,
                version=current_version(follow_up),
                opened_at=now,
                remind_at=now + timedelta(days=follow_up.reminder_days),
                closes_at=now + timedelta(days=follow_up.open_days),
            )
            people = [
                (i.user, i.profession, i.county_id)
                for i in evaluation.invitations.select_related("user")
            ]
            _invite(round_, people)
            count += len(people)
    return count


def submit(invitation_id, answers, *, now=None):
    """Store an answer without the person and mark the invitation answered, once."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("evaluation__version")
            .get(pk=invitation_id)
        )
        check_open(invitation, now)
        evaluation = invitation.evaluation
        response = Response.objects.create(
            evaluation=evaluation,
            version=evaluation.version,
            profession=invitation.profession,
            county_id=invitation.county_id,
            respondent_id=invitation.user_id if evaluation.version.named else None,
            answers=answers,
        )
        invitation.answered = True
        invitation.save(update_fields=["answered"])
    return response


def send_reminders(now=None):
    """One reminder per round that is due and still open, to those who have not answered."""
    now = now or timezone.now()
    count = 0
    due = Evaluation.objects.filter(reminded_at__isnull=True, remind_at__lte=now, closes_at__gt=now)
    for evaluation_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            evaluation = (
                Evaluation.objects.select_for_update()
                .filter(pk=evaluation_id, reminded_at__isnull=True)
                .first()
            )
            if evaluation is None:
                continue
            with collect():
                for invitation in evaluation.invitations.filter(answered=False).select_related(
                    "user"
                ):
                    enqueue(
                        to=invitation.user.email,
                        template=REMINDER_TEMPLATE,
                        language=invitation.user.preferred_language,
                        kind="evaluation_reminder",
                        params={"invitation": invitation.pk},
                    )
                    count += 1
            evaluation.reminded_at = now
            evaluation.save(update_fields=["reminded_at"])
    return count


def open_invitations(user, now=None):
    """The person's unanswered invitations of rounds open now, with their run."""
    now = now or timezone.now()
    return list(
        Invitation.objects.filter(
            user=user,
            answered=False,
            evaluation__opened_at__lte=now,
            evaluation__closes_at__gt=now,
        )
        .select_related("evaluation__run__course")
        .order_by("evaluation__closes_at")
    )
