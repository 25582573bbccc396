from django.utils.translation import gettext_lazy as _


class EnrollmentError(Exception):
    """A rule refused the action; ``message`` is shown to the user as it is."""

    default_message = _("This could not be done.")
    status_code = 400

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


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
