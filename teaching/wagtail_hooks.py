from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_teaching_log_actions(actions):
    actions.register_action(
        "teaching.message", _("Message sent to participants"), _("Message sent to participants")
    )
