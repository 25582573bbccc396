from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Audience


class MessageForm(forms.Form):
    """A message to some of a run's participants; ``chosen`` offers only the run's people."""

    audience = forms.ChoiceField(label=_("To"), choices=Audience.choices, widget=forms.RadioSelect)
    chosen = forms.MultipleChoiceField(
        label=_("The people I choose"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only used when you send to the people you choose."),
    )
    subject_nb = forms.CharField(label=_("Subject (Norwegian)"), max_length=200)
    body_nb = forms.CharField(
        label=_("Message (Norwegian)"), widget=forms.Textarea, max_length=5000
    )
    subject_en = forms.CharField(
        label=_("Subject (English, optional)"), max_length=200, required=False
    )
    body_en = forms.CharField(
        label=_("Message (English, optional)"),
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        help_text=_("People who chose English get this text; everyone else the Norwegian."),
    )

    def __init__(self, *args, registrations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = [
            (str(r.pk), f"{r.user.get_full_name() or r.user.email} ({r.get_status_display()})")
            for r in registrations
        ]

    def clean(self):
        data = super().clean()
        if data.get("audience") == Audience.CHOSEN and not data.get("chosen"):
            self.add_error("chosen", _("Choose at least one person."))
        if data.get("subject_en") and not data.get("body_en"):
            self.add_error("body_en", _("Write the English message too, or leave both empty."))
        return data
