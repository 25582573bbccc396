from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="table")
class ReportSettings(BaseGenericSetting):
    therapist_share_target = models.PositiveSmallIntegerField(
        _("target therapist share (%)"),
        default=40,
        help_text=_("Therapists / (therapists + job specialists) that NAPHA aims for."),
    )

    class Meta:
        verbose_name = _("report settings")
