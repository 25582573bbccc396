"""Participant views: register for a run, "my courses", cancel, and answer a waitlist offer.
Thin: the rules live in ``enrollment.services``."""

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cms.localisation import localized
from courses.models import CourseRun, RunStatus, attach_providers
from courses.permissions import doors
from people.access import participant_required

from .forms import OfferAnswerForm, RegisterForm
from .models import ACTIVE_STATUSES, Registration, RegistrationStatus
from .services.availability import reservation_summaries, with_availability
from .services.errors import EnrollmentError, RunNotFound
from .services.registration import cancel, has_completed_prerequisite, register
from .services.waitlist import (
    accept_offer,
    decline_offer,
    position,
    registration_for_token,
)


def _public_run(run_id):
    runs = with_availability(
        CourseRun.objects.filter(status__in=[RunStatus.PUBLISHED, RunStatus.CANCELLED])
        .with_course_translation()
        .select_related("course", "municipality__county")
        .prefetch_related("sessions")
        .annotate(
            has_instructors=Exists(
                CourseRun.instructors.through.objects.filter(courserun=OuterRef("pk"))
            )
        )
    )
    run = get_object_or_404(runs, pk=run_id, course__live=True)
    attach_providers([run])
    reservation_summaries([run])
    return run


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def run_detail(request, run_id):
    """A run's page: details, seats and the registration form. A POST registers."""
    if request.method == "POST":
        return _register(request, run_id)
    run = _public_run(run_id)
    registration = None
    if request.user.is_authenticated:
        registration = Registration.objects.filter(
            run=run, user=request.user, status__in=ACTIVE_STATUSES
        ).first()
    prerequisites = list(run.course.prerequisites.all())
    context = {
        "run": run,
        # Shown by their English versions on the English site (one query there).
        "prerequisites": localized(prerequisites),
        # Whether the signed-in person meets them (None: not signed in, or nothing required).
        "meets_prerequisites": has_completed_prerequisite(request.user, run.course)
        if prerequisites and request.user.is_authenticated
        else None,
        "registration": registration,
        "position": position(registration) if registration else None,
        "form": RegisterForm(),
        "registration_open": run.registration_is_open(),
        "coordinated": doors(request.user)["coordinates"],
    }
    return render(request, "enrollment/run_detail.html", context)


def _register(request, run_id):
    """Authenticate, validate, call the service, answer 303. No page is built: a success
    goes to My courses, a refusal gets a short page with the reason."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if not request.user.profile_complete:
        messages.info(request, _("Complete your profile before you register."))
        return redirect("profile_edit")
    form = RegisterForm(request.POST)
    if not form.is_valid():
        return _refused(request, run_id, form=form, status=400)
    try:
        registration = register(run_id, request.user, needs=form.cleaned_data["needs"])
    except RunNotFound as exc:
        raise Http404 from exc
    except EnrollmentError as exc:
        return _refused(request, run_id, message=exc.message, status=exc.status_code)
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(request, _("You are registered. A confirmation is on its way."))
    else:
        messages.info(
            request,
            _("The course is full. You are number %(n)d on the waitlist.")
            % {"n": position(registration)},
        )
    return HttpResponseSeeOther(reverse("my_courses"))


def _refused(request, run_id, *, status, message=None, form=None):
    """The reason, a link back and one to My courses. The site menu is left out
    (``nav_items`` empty): building it looks up the person's roles, which cost a sold-out
    run as much again as the refusal itself."""
    context = {
        "run_url": reverse("run_detail", args=[run_id]),
        "message": message,
        "form": form,
        "nav_items": (),
    }
    return render(request, "enrollment/register_refused.html", context, status=status)


@require_http_methods(["GET", "POST"])
@participant_required
def cancel_registration(request, registration_id):
    """GET asks "are you sure?" (works without JavaScript); only the POST cancels."""
    registration = get_object_or_404(
        Registration.objects.select_related("run__course"), pk=registration_id, user=request.user
    )
    if request.method == "GET":
        if not registration.is_active:
            return redirect("my_courses")
        return render(request, "enrollment/cancel_confirm.html", {"reg": registration})
    try:
        cancel(registration, actor=request.user, reason=_("Cancelled by the participant"))
    except EnrollmentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your registration has been cancelled."))
    return redirect("my_courses")


def offer(request, token):
    """The link in an offer email. GET only shows the offer (mail scanners follow links);
    the answer is a POST. No login needed: the signed, single-use token is the key."""
    try:
        registration = registration_for_token(token)
    except EnrollmentError as exc:
        return render(request, "enrollment/offer.html", {"error": exc.message}, status=410)
    if request.method == "POST":
        form = OfferAnswerForm(request.POST)
        if not form.is_valid():
            raise Http404
        try:
            if form.cleaned_data["answer"] == "accept":
                accept_offer(registration, actor=request.user)
                messages.success(request, _("The seat is yours. A confirmation is on its way."))
            else:
                decline_offer(registration, actor=request.user)
                messages.info(request, _("You have declined the seat. Thank you for answering."))
        except EnrollmentError as exc:
            return render(
                request, "enrollment/offer.html", {"error": exc.message}, status=exc.status_code
            )
        return redirect("my_courses" if request.user.is_authenticated else "/")
    return render(request, "enrollment/offer.html", {"registration": registration})
