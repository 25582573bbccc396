from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import MenuItem

from .models import CertificateTemplate
from .services.certificates import certificate_context, render_pdf


class TemplateIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            MenuItem(
                _("Preview (PDF)"),
                url=reverse("certificate_template_preview", args=[instance.pk]),
                icon_name="view",
                priority=5,
            )
        )
        return buttons


class CertificateTemplateViewSet(ModelViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = gettext_lazy("Certificate templates")
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = TemplateIndexView
    list_display = ["provider", "signatory_name"]
    form_fields = [
        "provider",
        "logo",
        "signatory_name",
        "signatory_title",
        "wording_nb",
        "wording_en",
    ]


def preview(request, pk):
    """A sample certificate with this template, never stored."""
    if not request.user.has_perm("attendance.change_certificatetemplate"):
        return HttpResponse(status=403)
    template = get_object_or_404(CertificateTemplate, pk=pk)
    language = request.GET.get("lang", "nb")
    pdf = render_pdf(
        certificate_context(
            name="Kari Nordmann",
            course=_("Basic course in IPS"),
            provider_name=template.provider.title,
            first=timezone.localdate(),
            last=timezone.localdate(),
            hours=Decimal("18"),
            code="PREV-IEW0-0000-0000",
            template=template,
        ),
        "en" if language == "en" else "nb",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="forhandsvisning.pdf"'
    return response


@hooks.register("register_admin_viewset")
def register_certificate_templates():
    return CertificateTemplateViewSet("certificate_templates")


@hooks.register("register_admin_urls")
def register_preview_url():
    return [
        path(
            "certificate_templates/<id:pk>/preview/",
            preview,
            name="certificate_template_preview",
        )
    ]
