"""Reacting to lower apps' signals (connected in ``EvaluationConfig.ready``)."""

from .services.asking import ask


def ask_attendees(sender, run, attended, now, **kwargs):
    """The register closed: ask those who attended (inside the closing transaction)."""
    if attended:
        ask(run, attended, now=now)
