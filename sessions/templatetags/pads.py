"""`{% pad_attributes pad "code" %}`: the data attributes that make a form field a shared pad (static/js/pads.js)."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def pad_attributes(context, pad: dict | None, field: str):
    if not pad or field not in pad["paths"]:
        return ""
    # The nonce: the editor injects its styles, which the Content-Security-Policy admits only with it.
    request = context.get("request")
    return format_html(
        ' data-pad="{}" data-pad-name="{}" data-pad-colour="{}" data-pad-writable="{}" data-pad-nonce="{}"',
        pad["paths"][field], pad["name"], pad["colour"], "1" if pad["writable"] else "0",
        getattr(request, "csp_nonce", "") if request else "",
    )
