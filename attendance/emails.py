"""The certificate email, composed at delivery: the stored PDF is attached as it was issued."""

from enrollment.emails import RegistrationComposer
from outbox.composers import Superseded

from .models import Certificate


class CertificateComposer(RegistrationComposer):
    def prefetch(self, messages):
        super().prefetch(messages)
        certificates = Certificate.objects.in_bulk(
            {m.params["certificate"] for m in messages if "certificate" in m.params}
        )
        for message in messages:
            message.certificate = certificates.get(message.params.get("certificate"))

    def context(self, message):
        if message.certificate is None:
            raise Superseded
        return {**super().context(message), "certificate": message.certificate}

    def render(self, message, context):
        composition = super().render(message, context)
        certificate = message.certificate
        with certificate.pdf.open("rb") as handle:
            composition.attachments.append(
                (f"kursbevis-{certificate.code}.pdf", handle.read(), "application/pdf")
            )
        return composition
