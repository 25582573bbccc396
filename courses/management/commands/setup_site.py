"""Make the site skeleton a new installation needs, and change nothing that is there:

python manage.py migrate && python manage.py setup_site

The home page as the default site's root, the course catalogue at /kurs/, "Om IPS-kurs" and the
privacy notice (with this installation's retention periods). The Docker image runs it after
each migrate."""

from django.core.management.base import BaseCommand

from cms.setup import ensure_standard_pages
from courses.setup import ensure_site


class Command(BaseCommand):
    help = "Create the home page, the catalogue and the standard pages where they are missing."

    def handle(self, *args, **options):
        home, _catalogue = ensure_site()
        made = ensure_standard_pages(home)
        if made:
            self.stdout.write("Made: " + ", ".join(f"/{slug}/" for slug in made))
        else:
            self.stdout.write("The site was complete; nothing changed.")
