from django.utils.translation import gettext_lazy as _

from common.errors import RuleError


class EnrollmentError(RuleError):
    """A registration rule refused the action."""


class RunNotFound(EnrollmentError):
    default_message = _("This course run does not exist.")
    status_code = 404


class RunBusy(EnrollmentError):
    default_message = _("Many people are registering right now. Please try again in a moment.")
    status_code = 503


class RegistrationClosed(EnrollmentError):
    default_message = _("Registration for this course is not open.")
    status_code = 409


class RunFull(EnrollmentError):
    default_message = _("This course is full and has no waitlist.")
    status_code = 409


class AlreadyRegistered(EnrollmentError):
    default_message = _("You are already registered for this course.")
    status_code = 409


class ProfileIncomplete(EnrollmentError):
    default_message = _("Complete your profile (name, profession and employer) first.")
    status_code = 409


class PrerequisiteMissing(EnrollmentError):
    status_code = 409


class OfferNotValid(EnrollmentError):
    default_message = _("This offer is no longer valid.")
    status_code = 410


class NotAllowed(EnrollmentError):
    default_message = _("You cannot do this.")
    status_code = 403
