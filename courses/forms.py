import operator
import re
from functools import reduce

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from geo.models import Municipality

from .permissions import editable_courses


class UsersByEmailField(forms.Field):
    """People named by their email addresses, one a line (or separated by commas). Only an
    address that belongs to an active account is accepted, so an editor can name a colleague of
    another centre without browsing everyone's accounts."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, str) or value is None:
            return value or ""
        users = list(value)
        if users and not hasattr(users[0], "email"):
            users = get_user_model().objects.filter(pk__in=users)
        return "\n".join(sorted(user.email for user in users))

    def to_python(self, value):
        addresses = [a for a in re.split(r"[\s,;]+", value or "") if a]
        if not addresses:
            return []
        found = {
            user.email.lower(): user
            for user in get_user_model().objects.filter(
                reduce(operator.or_, (Q(email__iexact=a) for a in addresses)), is_active=True
            )
        }
        unknown = [a for a in addresses if a.lower() not in found]
        if unknown:
            raise forms.ValidationError(
                _("No account has the address %(addresses)s.") % {"addresses": ", ".join(unknown)}
            )
        return list({found[a.lower()].pk: found[a.lower()] for a in addresses}.values())


class CourseRunForm(WagtailAdminModelForm):
    """Offers only the editor's own courses; a forged course id fails validation."""

    instructors = UsersByEmailField(
        label=_("instructors"),
        required=False,
        help_text=_(
            "Email addresses of the people who teach this run, one a line. They keep the "
            "register and see the participant list of this run only, without CMS access."
        ),
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if "course" in self.fields and for_user is not None:
            self.fields["course"].queryset = editable_courses(for_user).order_by("title")
            self.fields["course"].error_messages["invalid_choice"] = _(
                "Choose one of your own courses."
            )
        if "municipality" in self.fields:
            self.fields["municipality"].queryset = (
                Municipality.objects.valid_on().select_related("county").order_by("name")
            )
