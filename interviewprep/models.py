"""Account-wide settings that belong to no interview: how the app and its code editor look and behave."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Preferences(models.Model):
    """One person's display and editor preferences; a user without a row has the defaults below.

    Visitors who are not signed in keep the same fields in a signed cookie (interviewprep/preferences.py),
    so every page can be rendered in the right theme before the browser paints it.
    """

    class Theme(models.TextChoices):
        SYSTEM = "system", "Follow the system"
        LIGHT = "light", "Light"
        DARK = "dark", "Dark"

    class KeyBindings(models.TextChoices):
        DEFAULT = "default", "Default"
        VIM = "vim", "Vim"
        EMACS = "emacs", "Emacs"

    FONT_SIZE_MIN, FONT_SIZE_MAX = 11, 24
    TAB_WIDTHS = ((2, "2 spaces"), (4, "4 spaces"), (8, "8 spaces"))

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences")
    theme = models.CharField(max_length=8, choices=Theme.choices, default=Theme.SYSTEM)
    editor_font_size = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(FONT_SIZE_MIN), MaxValueValidator(FONT_SIZE_MAX)],
        help_text=f"In pixels, {FONT_SIZE_MIN} to {FONT_SIZE_MAX}.",
    )
    tab_width = models.PositiveSmallIntegerField(default=4, choices=TAB_WIDTHS,
                                                 help_text="How many spaces Tab indents by, in every language.")
    line_wrapping = models.BooleanField(default=False, help_text="Long lines wrap instead of scrolling sideways.")
    key_bindings = models.CharField(max_length=8, choices=KeyBindings.choices, default=KeyBindings.DEFAULT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"Preferences of user #{self.user_id}"

    @property
    def is_default(self) -> bool:
        defaults = Preferences()
        return all(getattr(self, name) == getattr(defaults, name) for name in FIELDS)


# The fields a person chooses (the form, the cookie and the page's data attributes all use this list).
FIELDS = ("theme", "editor_font_size", "tab_width", "line_wrapping", "key_bindings")
