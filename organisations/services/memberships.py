"""Employer memberships, employer requests and merging duplicates.

Invariants:
- a person has at most one current membership (a database constraint backs this);
- changing employer never deletes the old membership, it ends it, so history stays true;
- a merged organisation keeps its row (status "merged", pointing at the survivor) so that old
  links and records still resolve, and its memberships, invitations and grants move to the
  survivor.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from ..validators import normalise_org_number


class MembershipError(Exception):
    """A user-facing reason why a membership change was refused."""


@transaction.atomic
def set_employer(user, organisation, role=MembershipRole.MEMBER):
    """Make ``organisation`` the person's current employer, ending any other membership."""
    if organisation.status == OrganisationStatus.MERGED:
        organisation = organisation.merged_into
    current = Membership.objects.select_for_update().current().filter(user=user).first()
    if current and current.organisation_id == organisation.pk:
        if role != MembershipRole.MEMBER and current.role != role:
            current.role = role
            current.save(update_fields=["role"])
        return current
    if current:
        current.ended_at = timezone.now()
        current.save(update_fields=["ended_at"])
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    user.__dict__.pop("_current_membership", None)
    return membership


@transaction.atomic
def request_employer(user, *, name, municipality, kind=OrganisationKind.OTHER, org_number=""):
    """An employer missing from the list: create it as pending and make it the person's employer.

    If the organisation number belongs to a known organisation, that one is used instead.
    """
    org_number = normalise_org_number(org_number)
    if org_number:
        existing = Organisation.objects.exclude(status=OrganisationStatus.MERGED).filter(
            org_number=org_number
        )
        known = existing.first()
        if known is not None:
            return set_employer(user, known), known, False
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        org_number=org_number,
        municipality=municipality,
        status=OrganisationStatus.PENDING,
        requested_by=user,
    )
    organisation.full_clean()
    organisation.save()
    return set_employer(user, organisation), organisation, True


@transaction.atomic
def approve_organisation(organisation):
    if organisation.status != OrganisationStatus.PENDING:
        raise MembershipError(_("Only pending organisations can be approved."))
    organisation.status = OrganisationStatus.ACTIVE
    organisation.save(update_fields=["status"])
    return organisation


@transaction.atomic
def merge_organisations(source, target):
    """Merge the duplicate ``source`` into ``target``."""
    if source.pk == target.pk:
        raise MembershipError(_("An organisation cannot be merged into itself."))
    if target.status == OrganisationStatus.MERGED:
        raise MembershipError(_("Choose an organisation that has not itself been merged."))
    source = Organisation.objects.select_for_update().get(pk=source.pk)
    if source.status == OrganisationStatus.MERGED:
        raise MembershipError(_("This organisation has already been merged."))
    moved = source.memberships.update(organisation=target)
    source.grants.update(organisation=target)
    source.processing_agreements.update(organisation=target)
    for invitation in source.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True):
        if target.invitations.filter(
            email__iexact=invitation.email, accepted_at__isnull=True, revoked_at__isnull=True
        ).exists():
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
        else:
            invitation.organisation = target
            invitation.save(update_fields=["organisation"])
    if not target.org_number and source.org_number:
        target.org_number = source.org_number
        source.org_number = ""
        source.save(update_fields=["org_number"])
        target.save(update_fields=["org_number"])
    source.status = OrganisationStatus.MERGED
    source.merged_into = target
    source.save(update_fields=["status", "merged_into"])
    return moved


def coordinated_organisations(user):
    """Organisations the user currently coordinates."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__ended_at__isnull=True,
        memberships__role=MembershipRole.COORDINATOR,
    ).exclude(status=OrganisationStatus.MERGED)


def is_coordinator(user, organisation):
    return coordinated_organisations(user).filter(pk=organisation.pk).exists()
