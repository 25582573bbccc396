"""The answer form, built from a frozen questionnaire version, and the questionnaire's admin
form."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.permission_policies.pages import PagePermissionPolicy

from cms.localisation import originals
from cms.models import ResourceCentrePage
from courses.models import CoursePage
from courses.permissions import organised_runs
from organisations.access import NATIONAL_PERMISSION

from .models import ItemKind

TEXT_MAX = 2000


def _text(item, key, language):
    return item.get(f"{key}_{language}") or item.get(f"{key}_nb", "")


class AnswerForm(forms.Form):
    """One field per item, named by the item's id. Values are stored as: scales and single
    choice an int (1-5, 0-10, option index), multiple choice a list of ints, free text a string;
    an unanswered optional item is left out."""

    def __init__(self, items, *args, language=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        language = "en" if (language or get_language() or "nb").startswith("en") else "nb"
        required_message = _("Answer this question; it is required.")
        for item in items:
            label = _text(item, "text", language)
            kind = item["kind"]
            common = {
                "label": label,
                "required": item.get("required", False),
                "error_messages": {"required": required_message},
            }
            options = [
                (str(i), o[language] or o["nb"]) for i, o in enumerate(item.get("options", []))
            ]
            if kind == ItemKind.LIKERT:
                choices = [(str(n), str(n)) for n in range(1, 6)]
                field = forms.TypedChoiceField(
                    choices=choices, coerce=int, widget=forms.RadioSelect, **common
                )
                field.first, field.last = 1, 5
                field.low = _text(item, "low", language)
                field.high = _text(item, "high", language)
            elif kind == ItemKind.RECOMMEND:
                choices = [(str(n), str(n)) for n in range(0, 11)]
                field = forms.TypedChoiceField(
                    choices=choices, coerce=int, widget=forms.RadioSelect, **common
                )
                field.first, field.last = 0, 10
                field.low = _("Not at all likely")
                field.high = _("Extremely likely")
            elif kind == ItemKind.SINGLE:
                field = forms.TypedChoiceField(
                    choices=options,
                    coerce=int,
                    widget=forms.RadioSelect,
                    **common,
                )
            elif kind == ItemKind.MULTIPLE:
                field = forms.TypedMultipleChoiceField(
                    choices=options,
                    coerce=int,
                    widget=forms.CheckboxSelectMultiple,
                    **common,
                )
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}),
                    max_length=TEXT_MAX,
                    strip=True,
                    **common,
                )
            field.kind = kind
            field.grouped = kind != ItemKind.TEXT  # a fieldset with a legend
            self.fields[item["id"]] = field

    def answers(self):
        result = {}
        for item in self.items:
            value = self.cleaned_data.get(item["id"])
            if value in (None, "", []):
                continue
            result[item["id"]] = value
        return result


class QuestionnaireAdminForm(WagtailAdminModelForm):
    """The questionnaire form in the Wagtail admin. Invariant: a provider's editor (not NAPHA,
    not a superuser) can only save a questionnaire for a provider they edit, asked after their
    own course modules and runs, and never the national core set. The choices offered are
    limited the same way, so another provider's pages are neither shown nor accepted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None or user.is_superuser or user.has_perm(NATIONAL_PERMISSION):
            return
        pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
        own = pages.values("pk")
        provider = self.fields["provider"]
        # A plain list of their own providers instead of the page chooser (which browses the
        # whole tree); usually one, chosen already.
        provider.widget = forms.Select()
        provider.queryset = originals(ResourceCentrePage.objects.filter(pk__in=own))
        provider.required = True
        if not self.instance.pk and len(provider.queryset) == 1:
            self.initial.setdefault("provider", provider.queryset[0].pk)
        self.fields["courses"].queryset = originals(CoursePage.objects.filter(pk__in=own))
        self.fields["runs"].queryset = organised_runs(user)
        self.fields["is_core"].disabled = True
        if "follow_up" in self.fields:
            self.fields["follow_up"].queryset = self.fields["follow_up"].queryset.filter(
                provider__in=own, is_core=False
            )
