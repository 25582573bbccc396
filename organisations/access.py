"""The coordinator's entry guard: every coordinator view calls ``coordinated_organisation``;
and the name of NAPHA's national permission.

Invariant: a coordinator reaches only organisations they coordinate now; any other
organisation id is a 404, so ids cannot be probed."""

from django.shortcuts import get_object_or_404

from .services.memberships import coordinated_organisations

# NAPHA's permission: national figures, every provider's reports and evaluations.
NATIONAL_PERMISSION = "organisations.view_national_reports"


def coordinated_organisation(user, pk, queryset=None):
    """The organisation ``pk`` if ``user`` coordinates it, else Http404."""
    organisations = coordinated_organisations(user)
    if queryset is not None:
        organisations = queryset.filter(pk__in=organisations.values("pk"))
    return get_object_or_404(organisations, pk=pk)
