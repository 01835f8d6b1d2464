"""System checks for configuration mistakes that would otherwise surface as odd behaviour later."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_debug_with_public_hosts(app_configs=None, **kwargs):
    loopback = {"127.0.0.1", "localhost", "[::1]", "::1"}
    if settings.DEBUG and set(settings.ALLOWED_HOSTS) - loopback:
        return [Error("DEBUG is on while ALLOWED_HOSTS names public hosts.", hint="Unset DEBUG.", id="interviewprep.E001")]
    return []


@register()
def check_sandbox(app_configs=None, **kwargs):
    """Code runs fail closed without the sandbox; say so at start-up, not at the first Run."""
    import sandbox

    report = sandbox.check_host()
    if report.ok:
        return []
    return [
        Warning(
            "The code sandbox cannot run on this machine, so every code run will fail with verdict SE.",
            hint=report.message,
            id="interviewprep.W001",
        )
    ]


@register()
def check_run_limits(app_configs=None, **kwargs):
    errors = []
    if settings.RUN_TIME_LIMIT_S > settings.RUN_MAX_TIME_LIMIT_S:
        errors.append(Error("RUN_TIME_LIMIT_S is above RUN_MAX_TIME_LIMIT_S.", id="interviewprep.E002"))
    if settings.RUN_MEMORY_LIMIT_MB > settings.RUN_MAX_MEMORY_LIMIT_MB:
        errors.append(Error("RUN_MEMORY_LIMIT_MB is above RUN_MAX_MEMORY_LIMIT_MB.", id="interviewprep.E003"))
    return errors


@register(Tags.security, deploy=True)
def check_throttle_cache_is_shared(app_configs=None, **kwargs):
    """A per-process cache would give each web process its own count of failed log-ins and autosaves."""
    backend = settings.CACHES.get("throttle", {}).get("BACKEND", "")
    if backend.endswith((".LocMemCache", ".DummyCache")):
        return [
            Warning(
                "The throttle cache is not shared between processes, so each web process throttles on its own.",
                hint="Leave CACHES['throttle'] on the database cache, or set CACHE_URL to a Redis URL.",
                id="interviewprep.W020",
            )
        ]
    return []
