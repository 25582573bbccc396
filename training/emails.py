"""The package certificate email, composed at delivery: the stored PDF is attached as it was
issued."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from outbox.composers import Composer, Superseded

from .models import PackageCompletion


class PackageCertificateComposer(Composer):
    def context(self, message):
        completion = (
            PackageCompletion.objects.select_related("user", "package", "version", "certificate")
            .filter(pk=message.params["completion"])
            .first()
        )
        if completion is None:
            raise Superseded
        message.certificate = completion.certificate
        with translation.override(message.language):
            my_courses_url = settings.SITE_BASE_URL + reverse("my_courses")
        return {
            "user": completion.user,
            "completion": completion,
            "certificate": completion.certificate,
            "my_courses_url": my_courses_url,
        }

    def render(self, message, context):
        composition = super().render(message, context)
        certificate = message.certificate
        with certificate.pdf.open("rb") as handle:
            composition.attachments.append(
                (f"kursbevis-{certificate.code}.pdf", handle.read(), "application/pdf")
            )
        return composition
