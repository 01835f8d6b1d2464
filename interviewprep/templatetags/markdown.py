"""`{{ text|markdown }}`: the template side of interviewprep.markdown."""

from django import template

from interviewprep.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value):
    return render_markdown(value)
