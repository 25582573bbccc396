from django.db import migrations
from django.db.models import Min, OuterRef, Subquery


def fill(apps, schema_editor):
    CourseRun = apps.get_model("courses", "CourseRun")
    CourseSession = apps.get_model("courses", "CourseSession")
    first = (
        CourseSession.objects.filter(run=OuterRef("pk"))
        .order_by()
        .values("run")
        .annotate(first=Min("date"))
        .values("first")
    )
    CourseRun.objects.update(starts_on=Subquery(first))


class Migration(migrations.Migration):
    dependencies = [("courses", "0006_starts_on_and_basic_course")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
