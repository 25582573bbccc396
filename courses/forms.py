from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from geo.models import Municipality

from .permissions import editable_courses


class CourseRunForm(WagtailAdminModelForm):
    """Offers only the editor's own courses; a forged course id fails validation."""

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
