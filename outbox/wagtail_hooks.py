"""Outbox in the Wagtail admin: status, attempts, last error, and resend."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import MenuItem

from .models import MessageStatus, OutgoingMessage
from .services import resend


class OutboxIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status in (MessageStatus.FAILED, MessageStatus.SENT):
            buttons.append(
                MenuItem(
                    _("Send again"),
                    url=reverse("outbox_resend", args=[instance.pk]),
                    icon_name="mail",
                    priority=5,
                )
            )
        return buttons


class OutgoingMessageViewSet(ModelViewSet):
    model = OutgoingMessage
    icon = "mail"
    menu_label = gettext_lazy("Outgoing email")
    menu_order = 900
    add_to_admin_menu = True
    index_view_class = OutboxIndexView
    copy_view_enabled = False
    # Composing by hand queues a message; the sweep sends it.
    form_fields = ["to", "subject", "body_text"]
    inspect_view_enabled = True
    list_display = ["subject", "to", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    inspect_view_fields = [
        "to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "language",
        "body_text",
    ]


def resend_view(request, pk):
    """GET asks for confirmation; POST queues the message again."""
    if not request.user.has_perm("outbox.change_outgoingmessage"):
        raise PermissionDenied
    message = get_object_or_404(OutgoingMessage, pk=pk)
    if request.method == "POST":
        resend(message)
        messages.success(request, _("The email was queued again."))
        return redirect("outgoing_messages:index")
    return TemplateResponse(
        request,
        "outbox/admin/resend.html",
        {"message": message, "page_title": _("Send again")},
    )


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return OutgoingMessageViewSet("outgoing_messages")


@hooks.register("register_admin_urls")
def register_outbox_urls():
    return [path("outbox/<id:pk>/resend/", resend_view, name="outbox_resend")]
