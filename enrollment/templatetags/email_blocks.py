"""``{% run_block "enrollment/email/_run.html" %}``: the block about a course run in an email
(title, sessions, place, link), which is the same for every participant of the run in one
language. Rendered with only ``run`` and ``course_url`` in its context, so it is the same
text whether it is rendered for one message or, within an outbox batch, once per run,
language and escaping and reused for every message of the batch (``outbox.composers.memo``).
"""

from django import template
from django.utils import translation

from outbox.composers import memo

register = template.Library()


@register.simple_tag(takes_context=True)
def run_block(context, template_name):
    run = context["run"]
    course_url = context.get("course_url", "")

    def render():
        block = context.template.engine.get_template(template_name)
        return block.render(context.new({"run": run, "course_url": course_url}))

    key = (
        "run_block",
        template_name,
        run.pk,
        course_url,
        translation.get_language(),
        context.autoescape,
    )
    return memo(key, render)
