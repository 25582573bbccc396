"""How a message intent becomes an email at delivery.

Apps register a ``Composer`` for their templates (in ``AppConfig.ready``): it loads what a batch
of messages refers to in a few queries (``prefetch``) and builds each message's template context
from the current state (``context``). Apps above the sender may register a ``Part`` for a
template to add to the composed email, as calendars adds the first session's invitation to a
confirmation. The outbox itself knows no app: it renders ``<template>_subject.txt``, ``.txt``
and ``.html`` in the message's language with whatever context the composer gives.

Within a batch (``batch``), ``memo`` keeps what is the same for many of its messages (the
block about a run, rendered once per run and language): the batch reads the current state once,
so every message of it says the same, and the next batch reads it again.
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import translation


class Superseded(Exception):
    """Raised by a composer when a newer message makes this one pointless (a calendar update
    followed by another update of the same entry): the message is not sent."""


@dataclass
class Composition:
    subject: str
    text: str
    html: str = ""
    calendar: str = ""  # an iTIP object, sent as a text/calendar part with ``calendar_method``
    calendar_method: str = ""
    attachments: list = field(default_factory=list)  # (filename, bytes, content type)
    reply_to: list = field(default_factory=list)  # addresses for the Reply-To header


class Composer:
    """Builds the context of messages of some templates. Subclass and register."""

    def prefetch(self, messages):
        """Load, in a few queries, what ``messages`` (a batch) refer to."""

    def context(self, message):
        """The template context for one message; may raise ``Superseded``."""
        return dict(message.params)

    def render(self, message, context):
        return render_message(message.template, context, message.language)


class Part:
    """Adds something (a calendar part, an attachment) to messages of some templates."""

    def prefetch(self, messages):
        pass

    def add(self, message, composition):
        pass


_composers = {}
_parts = {}
_local = threading.local()


def register(template_prefix, composer):
    """Compose messages whose template starts with ``template_prefix`` with ``composer``; the
    longest matching prefix wins."""
    _composers[template_prefix] = composer


def register_part(template_prefix, part):
    """Let ``part`` add to messages whose template starts with ``template_prefix``."""
    _parts.setdefault(template_prefix, []).append(part)


def composer_for(template):
    matches = [prefix for prefix in _composers if template.startswith(prefix)]
    return _composers[max(matches, key=len)] if matches else Composer()


def parts_for(template):
    return [
        part for prefix, parts in _parts.items() if template.startswith(prefix) for part in parts
    ]


def render_text(template_name, context):
    """A plain-text template (a subject, a text body): rendered without HTML escaping, so a
    course called "Arbeid & helse" reads so, not "Arbeid &amp; helse"."""
    engine = engines["django"].engine
    return engine.get_template(template_name).render(Context(context, autoescape=False))


def render_message(template, context, language):
    """Render ``<template>_subject.txt``, ``.txt`` (not HTML-escaped) and ``.html`` in
    ``language``."""
    with translation.override(language):
        context = {"site_url": settings.SITE_BASE_URL, "language": language, **context}
        subject = " ".join(render_text(f"{template}_subject.txt", context).split())
        text = render_text(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return Composition(subject=subject, text=text, html=html)


@contextmanager
def batch(messages):
    """Compose ``messages`` in the block: ``prefetch`` them, and let ``memo`` keep values
    until the block ends."""
    outer = getattr(_local, "memo", None)
    _local.memo = {}
    try:
        prefetch(messages)
        yield
    finally:
        _local.memo = outer


def memo(key, compute):
    """``compute()``, once per ``key`` within a batch (every time outside one). The key must
    name everything the value depends on (a run's id, the language, ...)."""
    values = getattr(_local, "memo", None)
    if values is None:
        return compute()
    try:
        return values[key]
    except KeyError:
        value = values[key] = compute()
        return value


def prefetch(messages):
    """Let every composer and part load what its messages of this batch refer to."""
    by_template = {}
    for message in messages:
        if message.template:
            by_template.setdefault(message.template, []).append(message)
    by_composer, by_part = {}, {}
    for template, group in by_template.items():
        by_composer.setdefault(composer_for(template), []).extend(group)
        for part in parts_for(template):
            by_part.setdefault(part, []).extend(group)
    # Composers first: parts may use what they loaded (the registration, say).
    for composer, group in by_composer.items():
        composer.prefetch(group)
    for part, group in by_part.items():
        part.prefetch(group)


def compose(message):
    """The email for one message, from the current state (after ``prefetch``)."""
    if not message.template:  # written by hand in the admin
        return Composition(subject=message.subject, text=message.body_text, html=message.body_html)
    composer = composer_for(message.template)
    with translation.override(message.language):
        composition = composer.render(message, composer.context(message))
        for part in parts_for(message.template):
            part.add(message, composition)
    return composition
