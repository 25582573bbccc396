"""Conditional GET for machine-read answers (feeds, the API): clients that poll send back the
ETag they got and receive 304 Not Modified while nothing changed, and HEAD answers like GET
without the body."""

import hashlib

from django.utils.cache import get_conditional_response, patch_cache_control


def content_etag(body):
    """A strong ETag for a body (bytes)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def conditional(request, response, *, etag=None, public=True, max_age=300):
    """Set ETag (from the body unless given) and Cache-Control (``public`` for anyone's
    caches, else ``private``), then answer 304 if the client's copy is current. HEAD gets the
    headers without the body."""
    response["ETag"] = etag or content_etag(response.content)
    if public:
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        patch_cache_control(response, private=True, max_age=max_age)
    response = get_conditional_response(request, etag=response["ETag"], response=response)
    if request.method == "HEAD" and response.status_code == 200:
        length = len(response.content)
        response.content = b""
        response["Content-Length"] = str(length)
    return response
