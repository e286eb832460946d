from django import template

from candor.notify.models import Watch

register = template.Library()


@register.inclusion_tag("notify/_watch_form.html", takes_context=True)
def watch_form(context, title):
    """The Watch/Unwatch button, for a logged-in reader of an existing page only: an anonymous reader gets
    no form, so no CSRF cookie (C20)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    page = context.get("page")
    if user is None or not user.is_authenticated or page is None or getattr(page, "pk", None) is None:
        return {"show": False}
    watching = Watch.objects.filter(user=user, page_id=page.pk).exists()
    return {"show": True, "title": title, "watching": watching, "request": request}
