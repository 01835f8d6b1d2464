"""A browser page signed in as a user, with its JavaScript errors and CSP violations collected."""

from django.test import Client

DESKTOP = {"width": 1280, "height": 900}


def open_as(browser, live_server, user, errors: list[str], viewport=DESKTOP, phone: bool = False):
    """A new context logged in as `user` (a session made by the test client), and its first page."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, viewport=viewport, is_mobile=phone, has_touch=phone)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The strict Content-Security-Policy must not block anything the app itself needs.
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    return page
