from django import forms

import sandbox
from questions.models import Question
from sessions.models import ReviewSettings, RoundQuestion, Scorecard, Submission
from sessions.review.history import MODE_CHOICES, OUTCOME_CHOICES, ROLE_CHOICES


class StartForm(forms.Form):
    """What to practise: a loop, a stage, or one question (optionally within a stage)."""

    loop = forms.IntegerField(required=False, min_value=1)
    stage = forms.IntegerField(required=False, min_value=1)
    question = forms.SlugField(required=False, max_length=120)

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("loop", "stage", "question")):
            raise forms.ValidationError("Choose a loop, a stage or a question to practise.")
        return data


class RunForm(forms.Form):
    kind = forms.ChoiceField(choices=Submission.Kind.choices)
    language = forms.ChoiceField(choices=[(name, name) for name in sorted(sandbox.LANGUAGES)])
    code = forms.CharField(strip=False, required=False)
    use_custom_input = forms.BooleanField(required=False)
    stdin = forms.CharField(strip=False, required=False)


class GradeForm(forms.Form):
    grade = forms.ChoiceField(choices=RoundQuestion.Grade.choices)


class PreviewForm(forms.Form):
    answer = forms.CharField(strip=False, required=False, max_length=64 * 1024)


class AddTimeForm(forms.Form):
    minutes = forms.IntegerField(min_value=1, max_value=30)


class PairedStartForm(forms.Form):
    """What the interviewer sets up: a loop, or a stage with questions picked or drawn, and a length."""

    loop = forms.IntegerField(required=False, min_value=1)
    stage = forms.IntegerField(required=False, min_value=1)
    questions = forms.MultipleChoiceField(required=False, choices=())  # slugs, checked against the stage
    duration = forms.IntegerField(required=False, min_value=5, max_value=180)
    pad_candidate_only = forms.BooleanField(required=False)

    def __init__(self, *args, question_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].choices = question_choices

    def clean(self):
        data = super().clean()
        if bool(data.get("loop")) == bool(data.get("stage")):
            raise forms.ValidationError("Choose either a whole loop or one stage.")
        return data


class JoinForm(forms.Form):
    # Optional here (a signed-in user joins as themselves); the page asks guests for it, the service insists.
    display_name = forms.CharField(
        required=False, max_length=60, widget=forms.TextInput(attrs={"required": True, "autocomplete": "name"})
    )


class NoteForm(forms.Form):
    note_id = forms.IntegerField(required=False, min_value=1)
    body = forms.CharField(required=False, strip=False, max_length=64 * 1024)
    finish = forms.BooleanField(required=False)


class ScorecardForm(forms.Form):
    # The service judges the recommendation (and says why it refuses one); the radio buttons offer the four.
    recommendation = forms.CharField(
        required=False, widget=forms.RadioSelect(choices=Scorecard.Rating.choices)
    )
    feedback = forms.CharField(required=False, strip=False, max_length=64 * 1024, widget=forms.Textarea({"rows": 8}))
    share_notes = forms.BooleanField(required=False)


# ---- History: the "My sessions" filters



class HistoryFilterForm(forms.Form):
    """The "My sessions" filters, read from the query string (see `sessions.review.history`)."""

    q = forms.CharField(
        required=False, max_length=200, label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "Questions and notes"}),
    )
    loop = forms.SlugField(required=False, max_length=80, label="Loop")
    stage = forms.RegexField(
        required=False,
        max_length=161,
        regex=r"^[-a-zA-Z0-9_]+/[-a-zA-Z0-9_]+$",
        label="Stage",
        error_messages={"invalid": "A stage is written loop/stage, e.g. alpha/screen."},
    )
    mode = forms.ChoiceField(required=False, choices=[("", "Solo or paired"), *MODE_CHOICES], label="Mode")
    role = forms.ChoiceField(required=False, choices=[("", "Any role"), *ROLE_CHOICES], label="Your role")
    outcome = forms.ChoiceField(required=False, choices=[("", "Any outcome"), *OUTCOME_CHOICES], label="Outcome")
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}, "%Y-%m-%d"))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}, "%Y-%m-%d"))
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000, label="Page")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The “from” date is after the “to” date.")
        return data


# ---- Exports: importing a JSON export


class DataImportForm(forms.Form):
    """An export file from `data_export`, made on this instance or another one."""

    file = forms.FileField(
        label="Export file (.json)", widget=forms.FileInput(attrs={"accept": ".json,application/json"})
    )


class ReviewSettingsForm(forms.Form):
    """The review queue's settings; the ranges are checked again by the service (sessions.scheduling.cards)."""

    retention_percent = forms.IntegerField(label="Desired retention (%)", min_value=70, max_value=97)
    reviews_per_day = forms.IntegerField(label="Reviews a day", min_value=1, max_value=100)
    new_per_day = forms.IntegerField(label="New questions a day", min_value=0, max_value=20)
    kinds = forms.MultipleChoiceField(label="Kinds to include", choices=Question.Kind.choices,
                                      widget=forms.CheckboxSelectMultiple)

    @classmethod
    def for_settings(cls, settings: ReviewSettings) -> "ReviewSettingsForm":
        return cls(initial={"retention_percent": round(100 * settings.desired_retention),
                            "reviews_per_day": settings.reviews_per_day, "new_per_day": settings.new_per_day,
                            "kinds": list(settings.included_kinds)})


class CardActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("forget", "Forget"), ("suspend", "Suspend"), ("unsuspend", "Unsuspend")])
