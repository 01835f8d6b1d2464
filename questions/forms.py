from django import forms

from questions.models import Question


class BankFilterForm(forms.Form):
    """The question bank's filters, read from the query string."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    loop = forms.SlugField(required=False, max_length=80)
    stage = forms.RegexField(
        required=False,
        max_length=161,
        regex=r"^[a-z0-9-]+/[a-z0-9-]+$",
        error_messages={"invalid": "A stage is written loop/stage, e.g. official/coding."},
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Question.Kind.choices])
    tag = forms.SlugField(required=False, max_length=60)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
