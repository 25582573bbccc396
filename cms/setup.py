"""The standard pages every installation needs, made when missing: "Om IPS-kurs" (/om/) and the
privacy notice (/personvern/, linked from every page's footer and from *Min side*). Invariant:
an existing page is never changed, so an editor's text always wins; a new privacy notice states
the retention periods this installation is configured with (the ``RETENTION_*`` settings)."""

from django.conf import settings
from wagtail.rich_text import RichText

from .models import StandardPage

# Registrations' dietary and accessibility needs are deleted this long after a run
# (enrollment.tasks.purge_needs).
NEEDS_KEPT_DAYS = 30


def _period(days):
    """Days in words a reader takes in at once: whole years as years ("3 år")."""
    return f"{days // 365} år" if days >= 365 and days % 365 == 0 else f"{days} dager"


def privacy_notice():
    """The privacy notice's body (Norwegian HTML), with this installation's periods."""
    return (
        "<h2>Hva vi lagrer</h2><ul>"
        "<li>Konto: navn, e-postadresse, telefon (valgfritt), foretrukket språk og passord "
        "(kryptert).</li>"
        "<li>Yrke og arbeidsgiver, med historikk når du bytter arbeidsgiver.</li>"
        "<li>Påmeldinger, ventelisteplass, oppmøte, fullføring og kursbevis.</li>"
        "<li>Behov for tilrettelegging eller kost du oppgir ved påmelding.</li>"
        "<li>E-poster vi har sendt deg (kvitteringer, tilbud, kalenderinvitasjoner).</li></ul>"
        "<h2>Hvorfor</h2><p>For å gjennomføre kursene (avtale), og for at NAPHA og "
        "ressurssentrene skal kunne følge opp opplæringen i IPS nasjonalt (allmenn interesse). "
        "Nasjonale rapporter viser bare tall, og tall under 5 vises som «&lt;5».</p>"
        f"<h2>Hvor lenge</h2><p>Behov for tilrettelegging slettes {_period(NEEDS_KEPT_DAYS)} "
        "etter kurset. Kontoen og påmeldingene lagres til du sletter kontoen, men ikke for "
        "alltid:</p><ul>"
        "<li>En konto som en koordinator har opprettet for deg, og som du aldri har tatt i "
        f"bruk, slettes etter {_period(settings.RETENTION_UNCLAIMED_DAYS)}.</li>"
        "<li>En konto som ikke har vært brukt på "
        f"{_period(settings.RETENTION_INACTIVE_DAYS)}, slettes. Du får en e-post "
        f"{_period(settings.RETENTION_WARNING_DAYS)} før; logger du inn innen da, beholdes "
        "kontoen.</li></ul>"
        "<p>Når en konto slettes, fjernes alt som identifiserer deg (navn, e-post, telefon, "
        "passord og innlogginger). Påmeldingene beholdes uten navn i statistikken (yrke og "
        "arbeidsgiver), og kursbevis kan fortsatt bekreftes med koden sin.</p>"
        "<h2>Dine rettigheter</h2><p>Under «Min side» kan du se og rette profilen, laste ned "
        "alle opplysninger om deg (JSON) og slette kontoen. Koordinatoren hos arbeidsgiveren "
        "din ser påmeldingene dine; kursarrangøren ser deltakerlisten for sine kurs.</p>"
    )


def standard_pages():
    """(slug, title, intro, body HTML) of each page ``ensure_standard_pages`` makes."""
    return [
        (
            "om",
            "Om IPS-kurs",
            "IPS-kurs samler kurs fra ressurssentrene for IPS og NAPHA på ett sted.",
            "",
        ),
        (
            "personvern",
            "Personvernerklæring",
            "Her forklarer vi hvilke personopplysninger vi behandler, hvorfor og hvor lenge.",
            privacy_notice(),
        ),
    ]


def ensure_standard_pages(home):
    """Make each standard page under ``home`` that is missing, published; returns the slugs
    made (an empty list when all were there)."""
    existing = set(home.get_children().values_list("slug", flat=True))
    made = []
    for slug, title, intro, body in standard_pages():
        if slug in existing:
            continue
        page = StandardPage(title=title, slug=slug, intro=intro)
        if body:
            page.body = [("text", RichText(body))]
        home.add_child(instance=page)
        page.save_revision().publish()
        made.append(slug)
    return made
