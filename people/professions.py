"""The professions of IPS training participants (domain.md), stored as stable codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Profession(models.TextChoices):
    JOB_SPECIALIST = "job_specialist", _("Job specialist")
    THERAPIST = "therapist", _("Therapist / clinician")
    SUPERVISOR = "supervisor", _("IPS supervisor")
    LEADER = "leader", _("Leader")
    NAV_ADVISER = "nav_adviser", _("NAV adviser")
    PEER_WORKER = "peer_worker", _("Peer worker")
    OTHER = "other", _("Other")
