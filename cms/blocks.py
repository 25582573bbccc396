from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        help_text=_("Describe the image for screen readers. Leave empty if it is decorative."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "image"
        template = "cms/blocks/image.html"
        label = _("Image")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False)

    class Meta:
        icon = "openquote"
        template = "cms/blocks/quote.html"
        label = _("Quote")


class InstructorBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"))
    role = blocks.CharBlock(label=_("Role"), required=False)
    bio = blocks.TextBlock(label=_("About"), required=False)
    photo = ImageChooserBlock(label=_("Photo"), required=False)

    class Meta:
        icon = "user"
        label = _("Instructor")


class InstructorsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False)
    instructors = blocks.ListBlock(InstructorBlock(), label=_("Instructors"))

    class Meta:
        icon = "group"
        template = "cms/blocks/instructors.html"
        label = _("Instructors")


RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class BodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    image = ImageBlock()
    quote = QuoteBlock()
    instructors = InstructorsBlock()
