"""The frontend for the people who teach a run: organisers and the run's instructors.

Every view takes its run through ``courses.permissions.taught_run`` (any other run is a 404).
Nothing here needs CMS rights; changing registrations and certificates stays with organisers.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CourseRun, CourseSession, RunStatus
from courses.permissions import is_organiser, taught_run, taught_runs
from enrollment.models import RegistrationStatus

from .forms import MessageForm
from .models import Audience, RunMessage
from .services import messages as run_messages

SESSIONS = Prefetch("sessions", queryset=CourseSession.objects.order_by("date", "start_time"))


def _run(request, run_id):
    return taught_run(
        request.user, run_id, CourseRun.objects.select_related("course").prefetch_related(SESSIONS)
    )


@login_required
def my_runs(request):
    """The runs I organise or teach, from a month ago on."""
    since = timezone.localdate() - timezone.timedelta(days=31)
    runs = (
        taught_runs(request.user)
        .exclude(status=RunStatus.CANCELLED)
        .with_dates()
        .filter(last_date__gte=since)
        .select_related("course")
        .with_course_translation()
        .order_by("first_date", "pk")
    )
    return render(request, "teaching/my_runs.html", {"runs": runs})


@login_required
def participant_list(request, run_id):
    """Who is coming, with their needs (read-only; organisers change registrations in the
    admin)."""
    run = _run(request, run_id)
    registrations = list(run_messages.candidates(run).select_related("employer"))
    groups = [
        (label, [r for r in registrations if r.status in statuses])
        for label, statuses in (
            (_("Confirmed"), {RegistrationStatus.CONFIRMED}),
            (_("Offered a seat"), {RegistrationStatus.OFFERED}),
            (_("On the waitlist"), {RegistrationStatus.WAITLISTED}),
        )
    ]
    return render(
        request,
        "teaching/participants.html",
        {"run": run, "groups": groups, "is_organiser": is_organiser(request.user, run)},
    )


@login_required
def run_messages_view(request, run_id):
    """Write, preview and send a message; the messages sent so far."""
    run = _run(request, run_id)
    registrations = list(run_messages.candidates(run))
    form = MessageForm(
        request.POST if request.method == "POST" else None,
        registrations=registrations,
        initial={"audience": Audience.CONFIRMED},
    )
    preview = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            recipients = list(run_messages.recipients(run, data["audience"], data["chosen"]))
            if "send" in request.POST:
                try:
                    run_messages.send(
                        run,
                        sender=request.user,
                        audience=data["audience"],
                        subject_nb=data["subject_nb"],
                        body_nb=data["body_nb"],
                        subject_en=data["subject_en"],
                        body_en=data["body_en"],
                        chosen_ids=data["chosen"],
                    )
                except run_messages.MessageRefused as exc:
                    messages.error(request, exc.message)
                    status = 409
                else:
                    messages.success(
                        request,
                        _("The message is on its way to %(n)d people.") % {"n": len(recipients)},
                    )
                    return redirect("run_messages", run_id=run.pk)
            preview = {
                "recipients": recipients,
                "nb": (data["subject_nb"], data["body_nb"]),
                "en": (data["subject_en"], data["body_en"]) if data["body_en"] else None,
                "reply_to": run_messages.reply_address(run),
            }
    sent = RunMessage.objects.filter(run=run).select_related("sender")[:50]
    return render(
        request,
        "teaching/messages.html",
        {"run": run, "form": form, "preview": preview, "sent": sent},
        status=status,
    )
