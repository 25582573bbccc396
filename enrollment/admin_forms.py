from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class AddParticipantForm(forms.Form):
    email = forms.EmailField(label=_("Participant's email"))
    waive_prerequisites = forms.BooleanField(
        label=_("Waive the prerequisite (recorded as your decision)"), required=False
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No account has this email address. Ask the person to sign up first.")
            )
        self.user = user
        return email


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, max_value=10000)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class PriorityForm(forms.Form):
    priority = forms.IntegerField(
        label=_("Priority"),
        min_value=-100,
        max_value=100,
        help_text=_("Higher comes first; 0 is normal."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
