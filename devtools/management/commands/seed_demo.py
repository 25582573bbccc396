from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.demo import DEMO_LOGINS, DEMO_PASSWORD, seed
from devtools.demo_scale import seed_scale


class Command(BaseCommand):
    help = "Create realistic demo data (idempotent). --runs N adds N synthetic runs."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=0, help="Add N synthetic course runs.")
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help=(
                "Run under production settings anyway. Accounts created get random passwords, "
                "printed once."
            ),
        )
        parser.add_argument(
            "--scale",
            action="store_true",
            help="Also add ~200,000 registrations and ~600,000 attendance rows (PostgreSQL).",
        )

    def handle(self, *args, runs, quiet_logins, scale, allow_production, **options):
        if runs < 0:
            raise CommandError("--runs must be zero or more.")
        production = getattr(settings, "IS_PRODUCTION", False)
        if production and not allow_production:
            raise CommandError(
                "seed_demo refuses to run with production settings: it creates an administrator "
                "and demo accounts. If you really want demo data here, add --allow-production "
                "(each account then gets a random password, printed once)."
            )
        result = seed(extra_runs=runs, random_passwords=production)
        if scale:
            seed_scale(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {result['runs_created']} runs created, "
                f"{result['runs_total']} runs in all."
            )
        )
        if production:
            self.stdout.write(
                "\nAccounts created, with their passwords (shown only now; store them or reset "
                "them):"
            )
            for email, password in sorted(result["passwords"].items()):
                self.stdout.write(f"  {email:40} {password}")
        elif not quiet_logins:
            self.stdout.write(f"\nDemo logins (password: {DEMO_PASSWORD}):")
            for email, role in DEMO_LOGINS:
                self.stdout.write(f"  {email:32} {role}")
            self.stdout.write("Admin: /admin/   Catalogue: /kurs/   English: /en/\n")
