from django import forms
from django.utils.translation import gettext_lazy as _

from geo.models import Municipality
from organisations.models import OrganisationKind
from organisations.validators import normalise_org_number, validate_org_number

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "profession", "phone", "preferred_language"]
        labels = {"first_name": _("First name"), "last_name": _("Last name")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "profession"):
            self.fields[name].required = True
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"


class EmployerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name, municipality or organisation number"),
        required=False,
        max_length=100,
    )


class EmployerChoiceForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)


class EmployerRequestForm(forms.Form):
    name = forms.CharField(label=_("Name of the employer"), max_length=200)
    org_number = forms.CharField(
        label=_("Organisation number (optional)"),
        max_length=20,
        required=False,
        help_text=_("9 digits, found at brreg.no."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        error_messages={"invalid_choice": _("Choose a municipality from the list.")},
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.valid_on().order_by("name")
        self.fields["kind"].choices = [
            c
            for c in OrganisationKind.choices
            if c[0] not in (OrganisationKind.RESOURCE_CENTRE, OrganisationKind.NATIONAL_BODY)
        ]

    def clean_org_number(self):
        value = normalise_org_number(self.cleaned_data["org_number"])
        if value:
            validate_org_number(value)
        return value


class DeleteAccountForm(forms.Form):
    confirm_email = forms.EmailField(
        label=_("Type your email address to confirm"),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_confirm_email(self):
        value = self.cleaned_data["confirm_email"].strip().lower()
        if value != self.user.email.lower():
            raise forms.ValidationError(_("This is not the email address of your account."))
        return value
