"""`{{ seconds|mmss }}`: a duration as the clock shows it (m:ss, or h:mm:ss past an hour)."""

from django import template

register = template.Library()


@register.filter
def mmss(seconds) -> str:
    try:
        total = max(0, int(float(seconds)))
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
