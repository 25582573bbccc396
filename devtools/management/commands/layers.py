"""Draw the apps and the imports between them, from the code, into docs/architecture.md.

    python manage.py layers          # rewrite the picture between the markers
    python manage.py layers --check  # exit 1 if the picture is not what the code says

The picture is a Mermaid flowchart (GitHub and most Markdown viewers draw it): one box per
app, grouped by the layers of `.importlinter`, and one arrow per pair of apps where the first
imports the second. Arrows always point down; `lint-imports` enforces that.
"""

import configparser
import re
from pathlib import Path

import grimp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

START, END = "<!-- layers:start -->", "<!-- layers:end -->"


def layers():
    config = configparser.ConfigParser()
    config.read(Path(settings.BASE_DIR) / ".importlinter")
    roots = config["importlinter"]["root_packages"].split()
    rows = [
        [name.strip() for name in line.split("|")]
        for line in config["importlinter:contract:layers"]["layers"].strip().splitlines()
    ]
    return roots, rows


def mermaid():
    roots, rows = layers()
    graph = grimp.build_graph(*roots, cache_dir=None)
    edges = set()
    for importer in roots:
        for imported in roots:
            if importer != imported and graph.direct_import_exists(
                importer=importer, imported=imported, as_packages=True
            ):
                edges.add((importer, imported))
    lines = ["```mermaid", "flowchart TD"]
    for number, row in enumerate(rows, start=1):
        lines.append(f'    subgraph L{number}["layer {number}"]')
        lines.append("        direction LR")
        lines.extend(f"        {name}" for name in row)
        lines.append("    end")
    lines.extend(f"    {a} --> {b}" for a, b in sorted(edges))
    lines.append("```")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Draw the import graph between the apps into docs/architecture.md."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        path = Path(settings.BASE_DIR) / "docs" / "architecture.md"
        text = path.read_text()
        if START not in text or END not in text:
            raise CommandError(f"{path} has no {START} … {END} markers")
        new = re.sub(
            re.escape(START) + ".*?" + re.escape(END),
            lambda _m: f"{START}\n{mermaid()}\n{END}",
            text,
            flags=re.S,
        )
        if check:
            if new != text:
                raise CommandError(
                    "docs/architecture.md does not show the imports as they are: run "
                    "`python manage.py layers`"
                )
            self.stdout.write("docs/architecture.md shows the imports as they are")
            return
        path.write_text(new)
        self.stdout.write(f"wrote the picture into {path}")
