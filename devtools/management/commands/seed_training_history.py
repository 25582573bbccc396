"""Demo history for the readiness views: one finished basic course per grant recipient, which
about two in three of its job specialists, therapists and supervisors completed.

python manage.py seed_demo
python manage.py seed_training_history
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from devtools.demo_training import seed_history


class Command(BaseCommand):
    help = "Add finished basic courses (with completions) for the demo grant recipients."

    def handle(self, *args, **options):
        with transaction.atomic():
            added = seed_history()
        self.stdout.write(f"{added} completed registrations added.")
