from django import forms

import sandbox
from sessions.models import RoundQuestion, Submission


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
    text = forms.CharField(strip=False, required=False, max_length=64 * 1024)
