from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations.services.importing import import_organisations


class Command(BaseCommand):
    help = (
        "Import organisations from a CSV file with the columns name, org_number, "
        "municipality_number, kind (comma or semicolon). Nothing is saved if a row is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, path, dry_run, **options):
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        result = import_organisations(text, dry_run=dry_run)
        for row, message in result.errors:
            self.stderr.write(f"row {row}: {message}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} rows have errors; nothing was imported.")
        self.stdout.write(
            f"{len(result.created)} created, {len(result.known)} already known"
            + (" (dry run, nothing saved)" if dry_run else "")
        )
