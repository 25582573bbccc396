from enrollment.models import RegistrationEvent


def transition(registration, to_status, *, now, actor=None, reason="", fields=()):
    """Move a registration to ``to_status`` and record who, when, from, to and why."""
    from_status = registration.status if registration.pk else ""
    registration.status = to_status
    if registration.pk:
        registration.save(update_fields=["status", "updated_at", *fields])
    else:
        registration.save()
    RegistrationEvent.objects.create(
        registration=registration,
        run_id=registration.run_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        at=now,
        from_status=from_status,
        to_status=to_status,
        reason=str(reason)[:300],
    )
    return registration
