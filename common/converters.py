"""URL converters.

Invariant: an ``<id:…>`` in a URL is 1 to 10 ASCII digits that fit a database integer
(2**31 - 1); anything larger does not match, so the URL is a 404 instead of a lookup that
SQLite cannot bind (OverflowError) or PostgreSQL refuses.
"""

from .params import MAX_ID


class IdConverter:
    regex = "[0-9]{1,10}"

    def to_python(self, value):
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)  # the pattern does not match: 404
        return number

    def to_url(self, value):
        return str(value)
