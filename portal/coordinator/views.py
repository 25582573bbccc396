"""The coordinator's pages for their organisation: members, invitations. Every view takes the
organisation through ``organisations.access.coordinated_organisation`` (404 for any other)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks

from organisations.access import coordinated_organisation
from organisations.models import Invitation, Membership
from organisations.services.invitations import InvitationError, invite, withdraw_invitation
from organisations.services.memberships import coordinated_organisations
from reports.digests import PERIODS, set_digest

from .forms import InviteForm, MemberFilterForm


@login_required
def my_organisations(request):
    organisations = list(coordinated_organisations(request.user))
    if len(organisations) == 1:
        return redirect("organisation", pk=organisations[0].pk)
    if not organisations:
        raise Http404
    return render(request, "organisations/list.html", {"organisations": organisations})


@login_required
def organisation(request, pk):
    org = coordinated_organisation(request.user, pk)
    filters = MemberFilterForm(request.GET or None)
    members = Membership.objects.current().filter(organisation=org).select_related("user")
    if filters.is_valid():
        if query := filters.cleaned_data["q"].strip():
            members = members.filter(
                Q(user__first_name__icontains=query)
                | Q(user__last_name__icontains=query)
                | Q(user__email__icontains=query)
            )
        if profession := filters.cleaned_data["profession"]:
            members = members.filter(user__profession=profession)
    invitations = org.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")
    return render(
        request,
        "organisations/organisation.html",
        {
            "organisation": org,
            "members": members.order_by("user__last_name", "user__first_name"),
            "invitations": invitations,
            "filters": filters,
            "invite_form": InviteForm(),
            "now": timezone.now(),
            "digest": _own_membership(request.user, org).digest,
            "digest_choices": Membership._meta.get_field("digest").choices,
            # Panels other apps add (e.g. a link to training readiness).
            "panels": [
                panel(request, organisation=org) for panel in hooks.get_hooks("organisation_panels")
            ],
        },
    )


@require_POST
@login_required
def invite_colleague(request, pk):
    org = coordinated_organisation(request.user, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = invite(request.user, org, form.cleaned_data["email"])
        except InvitationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % {"email": invitation.email},
            )
    else:
        for error in form.errors.get("email", []):
            messages.error(request, error)
    return redirect("organisation", pk=org.pk)


@require_POST
@login_required
def withdraw(request, pk, invitation_id):
    org = coordinated_organisation(request.user, pk)
    invitation = get_object_or_404(Invitation, pk=invitation_id, organisation=org)
    try:
        withdraw_invitation(request.user, invitation)
    except InvitationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The invitation has been withdrawn."))
    return redirect("organisation", pk=org.pk)


def _own_membership(user, organisation):
    return Membership.objects.current().get(user=user, organisation=organisation)


@require_POST
@login_required
def digest_settings(request, pk):
    """The coordinator opts in to (or out of) the daily or weekly digest about colleagues."""
    org = coordinated_organisation(request.user, pk)
    frequency = request.POST.get("digest", "")
    if frequency and frequency not in PERIODS:
        messages.error(request, _("Choose never, daily or weekly."))
    else:
        set_digest(_own_membership(request.user, org), frequency)
        messages.success(request, _("Your email choice is saved."))
    return redirect("organisation", pk=org.pk)
