"""The invitation link a coordinator's colleague gets by email. Anyone with the link sees whom
it is from; only the invited person, signed in, can accept it."""

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from organisations.models import Invitation
from organisations.services.invitations import (
    InvitationError,
    accept_invitation,
    find_invitation,
)
from people.services.invited import is_unclaimed


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
