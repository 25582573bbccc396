from django import forms
from django.utils.translation import gettext_lazy as _


class RegisterForm(forms.Form):
    needs = forms.CharField(
        label=_("Dietary or accessibility needs (optional)"),
        help_text=_("Only the course organisers see this. It is deleted 30 days after the course."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OfferAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])
