"""'My profile and data': the person's own profile, employer, data export and deletion.
Every view acts on request.user only, so nobody can reach another person's data."""

import json

from allauth.account.adapter import get_adapter as get_account_adapter
from django.contrib import messages
from django.contrib.auth import logout
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organisations.models import Organisation
from organisations.services.memberships import request_employer, set_employer

from .access import participant_required
from .forms import (
    DeleteAccountForm,
    EmployerChoiceForm,
    EmployerRequestForm,
    EmployerSearchForm,
    ProfileForm,
)
from .services import federation
from .services.personal_data import delete_account, export_personal_data
from .signals import profile_completed
from .social import callback

EMPLOYER_RESULTS = 25


@participant_required
def profile(request):
    memberships = request.user.memberships.select_related("organisation").order_by("-started_at")
    return render(request, "people/profile.html", {"memberships": memberships})


@participant_required
def profile_edit(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        if request.user.profile_complete and any(
            done
            for _receiver, done in profile_completed.send(type(request.user), user=request.user)
        ):
            messages.success(request, _("The course seats held for you are now confirmed."))
            return redirect("my_courses")
        if request.user.current_membership is None:
            return redirect("employer")
        return redirect("profile")
    return render(request, "people/profile_edit.html", {"form": form})


@participant_required
def employer(request):
    """Search for and choose an employer, or request one that is missing."""
    search = EmployerSearchForm(request.GET or None)
    results = []
    query = ""
    if search.is_valid() and search.cleaned_data["q"]:
        query = search.cleaned_data["q"].strip()
        digits = "".join(query.split())
        condition = Q(name__icontains=query) | Q(municipality__name__icontains=query)
        if digits.isdigit():
            condition |= Q(org_number__startswith=digits)
        results = list(Organisation.objects.selectable().filter(condition)[:EMPLOYER_RESULTS])
    request_form = EmployerRequestForm()
    if request.method == "POST":
        if "request" in request.POST:
            request_form = EmployerRequestForm(request.POST)
            if request_form.is_valid():
                data = request_form.cleaned_data
                _m, organisation, created = request_employer(
                    request.user,
                    name=data["name"],
                    municipality=data["municipality"],
                    kind=data["kind"],
                    org_number=data["org_number"],
                )
                if created:
                    messages.success(
                        request,
                        _(
                            "%(name)s has been registered as your employer and awaits approval "
                            "by an administrator."
                        )
                        % {"name": organisation.name},
                    )
                else:
                    messages.info(
                        request,
                        _("%(name)s already exists and is now your employer.")
                        % {"name": organisation.name},
                    )
                return redirect("profile")
        else:
            choice = EmployerChoiceForm(request.POST)
            organisation = None
            if choice.is_valid():
                organisation = (
                    Organisation.objects.selectable()
                    .filter(pk=choice.cleaned_data["organisation"])
                    .first()
                )
            if organisation is None:
                messages.error(request, _("Choose an employer from the list."))
            else:
                set_employer(request.user, organisation)
                messages.success(
                    request, _("Your employer is now %(name)s.") % {"name": organisation.name}
                )
                return redirect("profile")
    return render(
        request,
        "people/employer.html",
        {
            "search": search,
            "results": results,
            "query": query,
            "request_form": request_form,
            "max_results": EMPLOYER_RESULTS,
        },
    )


@participant_required
def data_export(request):
    data = export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="ipskurs-mine-data-{stamp}.json"'
    return response


@participant_required
def account_delete(request):
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        delete_account(user)
        messages.success(request, _("Your account and personal data have been deleted."))
        return redirect("/")
    return render(request, "people/account_delete.html", {"form": form})


def federated_callback(request, provider_id):
    """The redirect URI registered at each provider (docs/login.md)."""
    federation.resume_language(request)
    return callback(request, provider_id)


@require_http_methods(["GET", "POST"])
def link_account(request):
    """A federated sign-in whose verified email belongs to an account: the person signs in to
    that account once, then links the two here."""
    pending = federation.pending_link(request)
    if pending is None:
        messages.info(request, _("There is no sign-in waiting to be linked."))
        return redirect("account_login")
    if request.method == "POST" and "cancel" in request.POST:
        federation.forget_pending_link(request)
        messages.info(request, _("Nothing was linked."))
        return redirect("account_login")
    if request.method == "POST" and request.user.is_authenticated:
        try:
            federation.link_pending(request, request.user)
        except federation.LinkRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("profile")
        messages.success(
            request,
            _("%(provider)s is now linked to your account. Next time you can sign in with it.")
            % {"provider": pending.provider_name},
        )
        return redirect(get_account_adapter(request).get_login_redirect_url(request))
    return render(
        request,
        "people/link_account.html",
        {
            "pending": pending,
            "is_matching_account": request.user.is_authenticated
            and request.user.pk == pending.user_id,
        },
    )
