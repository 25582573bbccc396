#!/usr/bin/env python3
"""Check, before anything is installed, that this machine has what ipskurs needs.

Run by ``make install`` (and so by ``make run`` and ``make test``) with the interpreter that
will create the virtualenv. Prints one line per missing piece naming the Debian package, and a
single ``apt-get install`` line; exits 1 if something required is missing. Uses only the
standard library, so it works before the virtualenv exists.
"""

import ctypes.util
import glob
import importlib.util
import shutil
import sys

# (what, Debian package, found?, what needs it)
REQUIRED = [
    (
        "Python's venv module",
        "python3-venv",
        lambda: (
            importlib.util.find_spec("venv") is not None
            and importlib.util.find_spec("ensurepip") is not None
        ),
        "creating .venv",
    ),
    (
        "Pango",
        "libpango-1.0-0",
        lambda: ctypes.util.find_library("pango-1.0") is not None,
        "WeasyPrint (certificate PDFs)",
    ),
    (
        "PangoFT2",
        "libpangoft2-1.0-0",
        lambda: ctypes.util.find_library("pangoft2-1.0") is not None,
        "WeasyPrint (certificate PDFs)",
    ),
    (
        "DejaVu fonts",
        "fonts-dejavu-core",
        lambda: (
            bool(glob.glob("/usr/share/fonts/**/DejaVuSans.ttf", recursive=True))
            or sys.platform == "darwin"
        ),
        "the certificate PDFs' typeface",
    ),
]
OPTIONAL = [
    ("gettext (msgfmt)", "gettext", lambda: shutil.which("msgfmt"), "recompiling translations"),
    ("libfaketime", "faketime", lambda: shutil.which("faketime"), "make test-clock"),
]


def main():
    if sys.version_info < (3, 11):  # noqa: UP036 - run by whatever python3 the machine has
        print(
            f"ipskurs needs Python 3.11 or newer; {sys.executable} is "
            f"{sys.version.split()[0]}. Use `make PYTHON=python3.12 ...` to pick another.",
            file=sys.stderr,
        )
        return 1
    missing = [item for item in REQUIRED if not item[2]()]
    optional = [item for item in OPTIONAL if not item[2]()]
    for what, package, _found, needed_for in optional:
        print(f"note: {what} is not installed (Debian package {package}); needed for {needed_for}.")
    if not missing:
        return 0
    for what, package, _found, needed_for in missing:
        print(
            f"missing: {what} (Debian package {package}), needed for {needed_for}.", file=sys.stderr
        )
    packages = " ".join(item[1] for item in missing + optional)
    print(f"\nInstall with:\n  sudo apt-get install {packages}\n", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
