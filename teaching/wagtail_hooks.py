from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .services import materials


@hooks.register("register_log_actions")
def register_teaching_log_actions(actions):
    actions.register_action(
        "teaching.message", _("Message sent to participants"), _("Message sent to participants")
    )


@hooks.register("before_serve_document")
def serve_materials_only_to_their_people(document, request):
    """Course materials (documents in a private collection or attached to a run) are served
    only as ``teaching.services.materials`` allows."""
    if not materials.is_restricted(document):
        return None
    if materials.may_download(request.user, document):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404
