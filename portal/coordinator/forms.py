from django import forms
from django.utils.translation import gettext_lazy as _

from people.professions import Profession


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email address"))


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or email"), required=False, max_length=100)
    profession = forms.ChoiceField(
        label=_("Profession"), required=False, choices=[("", _("All"))] + list(Profession.choices)
    )
