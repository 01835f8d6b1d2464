from django import forms

from questions.models import Question

# Each search word adds a join and three conditions to the query; SQLite refuses a query past
# 200 joined tables, and nobody searches with more than a handful of words.
MAX_SEARCH_WORDS = 12
MAX_SEARCH_WORD_LENGTH = 40


class BankFilterForm(forms.Form):
    """The question bank's filters, read from the query string."""

    q = forms.CharField(
        required=False, max_length=200, label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "Title, text or tag"}),
    )
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

    def clean_q(self) -> str:
        words = list(dict.fromkeys(self.cleaned_data["q"].split()))  # the same word twice narrows nothing more
        if len(words) > MAX_SEARCH_WORDS:
            raise forms.ValidationError(f"Search with at most {MAX_SEARCH_WORDS} words (this has {len(words)}).")
        if any(len(word) > MAX_SEARCH_WORD_LENGTH for word in words):
            raise forms.ValidationError(f"A search word may have at most {MAX_SEARCH_WORD_LENGTH} letters.")
        return " ".join(words)
