"""allauth's emails (verification, password reset, login codes, notices) through the outbox.

The adapter records the intent with allauth's context made JSON-safe (models by reference,
times as ISO text; the request and the site are made again at delivery), and the worker
renders allauth's own templates with allauth's own ``render_mail``. Signing up therefore never
depends on the SMTP server being up.
"""

from datetime import datetime

from allauth.account.adapter import get_adapter
from allauth.core.context import request_context
from django.apps import apps
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import Model
from django.http import HttpRequest

from outbox.composers import Composer, Composition


def params_from_context(context):
    """allauth's template context as JSON; what cannot be stored is made again later."""
    stored = {}
    for key, value in context.items():
        if isinstance(value, Model):
            stored[key] = {"model": value._meta.label_lower, "pk": value.pk}
        elif isinstance(value, datetime):
            stored[key] = {"datetime": value.isoformat()}
        elif isinstance(value, str | int | float | bool) or value is None:
            stored[key] = value
    return {"context": stored}


def context_from_params(params):
    context = {}
    for key, value in params.get("context", {}).items():
        if isinstance(value, dict) and "model" in value:
            model = apps.get_model(value["model"])
            context[key] = model._default_manager.filter(pk=value["pk"]).first()
        elif isinstance(value, dict) and "datetime" in value:
            context[key] = datetime.fromisoformat(value["datetime"])
        else:
            context[key] = value
    return context


def site_request():
    """A request for the public address, for templates that build absolute links."""
    scheme, _sep, rest = settings.SITE_BASE_URL.partition("://")
    request = HttpRequest()
    request.META.update(
        {
            "HTTP_HOST": rest.split("/", 1)[0],
            "SERVER_NAME": rest.split("/", 1)[0].split(":")[0],
            "SERVER_PORT": "443" if scheme == "https" else "80",
            "wsgi.url_scheme": scheme,
        }
    )
    if scheme == "https":
        request.META["HTTP_X_FORWARDED_PROTO"] = "https"
    return request


class AccountEmailComposer(Composer):
    """``account/email/*`` (allauth's templates)."""

    def context(self, message):
        return context_from_params(message.params)

    def render(self, message, context):
        request = site_request()
        with request_context(request):
            context = {
                "request": request,
                "email": message.to,
                "current_site": get_current_site(request),
                **context,
            }
            email = get_adapter(request).render_mail(message.template, message.to, context)
        html = next((body for body, kind in email.alternatives if kind == "text/html"), "")
        if email.content_subtype == "html":
            return Composition(subject=email.subject, text="", html=email.body)
        return Composition(subject=email.subject, text=email.body, html=html)
