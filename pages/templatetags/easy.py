"""``{% easy _("Short sentence.") %}The long sentence…{% endeasy %}``: in easy-reading mode the page
shows the short, plain-language sentence instead of the long one; otherwise the long one."""

from django import template
from django.utils.html import conditional_escape

register = template.Library()


class EasyNode(template.Node):
    def __init__(self, short, nodelist):
        self.short, self.nodelist = short, nodelist

    def render(self, context):
        if context.get("EASY_READING"):
            return conditional_escape(self.short.resolve(context))
        return self.nodelist.render(context)


@register.tag
def easy(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError('usage: {% easy _("Short sentence.") %}long text{% endeasy %}')
    short = parser.compile_filter(bits[1])
    nodelist = parser.parse(("endeasy",))
    parser.delete_first_token()
    return EasyNode(short, nodelist)
