"""The answer form, built from a frozen questionnaire version."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

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
