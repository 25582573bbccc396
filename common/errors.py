"""The base of every refusal a rule gives a user."""

from django.utils.translation import gettext_lazy as _


class RuleError(Exception):
    """A rule refused the action; ``message`` is shown to the user as it is (translated), with
    ``status_code`` as the HTTP status of the page that shows it."""

    default_message = _("This could not be done.")
    status_code = 400

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))
