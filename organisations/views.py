"""Coordinator pages and invitation links. A coordinator reaches only organisations they
currently coordinate; any other organisation id is a 404, so ids cannot be probed."""

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks

from people.services.invited import is_unclaimed

from .forms import InviteForm, MemberFilterForm
from .models import Invitation, Membership
from .services.invitations import (
    InvitationError,
    accept_invitation,
    find_invitation,
    invite,
    withdraw_invitation,
)
from .services.memberships import coordinated_organisations


def _coordinated_or_404(user, pk):
    return get_object_or_404(coordinated_organisations(user), pk=pk)


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
    org = _coordinated_or_404(request.user, pk)
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
            # Panels other apps add (e.g. a link to training readiness).
            "panels": [
                panel(request, organisation=org) for panel in hooks.get_hooks("organisation_panels")
            ],
        },
    )


@require_POST
@login_required
def invite_colleague(request, pk):
    org = _coordinated_or_404(request.user, pk)
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
    org = _coordinated_or_404(request.user, pk)
    invitation = get_object_or_404(Invitation, pk=invitation_id, organisation=org)
    try:
        withdraw_invitation(request.user, invitation)
    except InvitationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The invitation has been withdrawn."))
    return redirect("organisation", pk=org.pk)


def _accepted_by_current_member(user, token):
    if not user.is_authenticated:
        return False
    accepted = Invitation.objects.filter(token=token, accepted_by=user).first()
    membership = user.current_membership
    return bool(accepted and membership and membership.organisation_id == accepted.organisation_id)


def invitation(request, token):
    """The link in the invitation email. Anyone with the link sees whom it is from; only the
    invited person, logged in, can accept it."""
    try:
        inv = find_invitation(token)
    except InvitationError as exc:
        if _accepted_by_current_member(request.user, token):
            # Signing up through the link accepts the invitation on email confirmation, and
            # allauth then returns the new member here: not an error for them.
            messages.success(
                request,
                _("You are now a member of %(name)s.")
                % {"name": request.user.current_membership.organisation.name},
            )
            return redirect("profile")
        return render(request, "organisations/invitation.html", {"error": str(exc)}, status=410)
    invited = get_user_model().objects.filter(email__iexact=inv.email).first()
    if invited is not None and is_unclaimed(invited) and not request.user.is_authenticated:
        return _claim_account(request, inv, invited)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            accept_invitation(token, request.user)
        except InvitationError as exc:
            return render(
                request,
                "organisations/invitation.html",
                {"invitation": inv, "error": str(exc)},
                status=400,
            )
        messages.success(
            request, _("You are now a member of %(name)s.") % {"name": inv.organisation.name}
        )
        return redirect("profile")
    return render(request, "organisations/invitation.html", {"invitation": inv})


def _claim_account(request, inv, invited):
    """Someone a coordinator enrolled before they had an account: the link proves they own
    the address, so they choose a password here and go on to complete their profile."""
    form = SetPasswordForm(invited, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            EmailAddress.objects.update_or_create(
                user=invited,
                email__iexact=invited.email,
                defaults={"email": invited.email, "verified": True, "primary": True},
            )
            accept_invitation(inv.token, invited)
        login(request, invited, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome! Check your profile so that your course registration can be completed."),
        )
        return redirect("profile_edit")
    return render(
        request, "organisations/claim.html", {"invitation": inv, "form": form, "invited": invited}
    )
