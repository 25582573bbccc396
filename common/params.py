"""Reading numbers from request parameters.

Invariant: a parameter becomes an int only if it is plain ASCII digits and fits a PostgreSQL
integer column; anything else (signs, other scripts' digits such as '²', huge numbers) is
None, so that a filter is skipped instead of answering 500 (SQLite cannot bind an int over
64 bits; ``int('²')`` raises).
"""

import re

MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


def safe_int(value, *, maximum=MAX_ID):
    """``value`` as an int in 0..maximum, or None."""
    text = str(value if value is not None else "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= maximum else None


def safe_year(value):
    """A year a date can hold and a report can mean (1900..9999), or None: no filter."""
    year = safe_int(value, maximum=9999)
    return year if year is not None and year >= 1900 else None


def safe_ints(values, *, maximum=MAX_ID):
    """The values of a list parameter that are safe ints (others dropped)."""
    return [n for n in (safe_int(v, maximum=maximum) for v in values) if n is not None]


def search_terms(text):
    """The words of a search box, without the quotes, brackets and operators that full-text
    backends (SQLite FTS5, PostgreSQL tsquery) would read as syntax: '"IPS' -> 'IPS'."""
    return " ".join(re.findall(r"\w+", str(text or "")))
