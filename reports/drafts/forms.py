"""The forms of the draft pages: generate a draft, edit its sections, issue it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mandates.models import Mission, ReportingDate, SecretaryGeneralReport
from reports.drafts.selectors import NARRATIVE_SECTIONS
from reports.models import ReportDraft


class GenerateForm(forms.Form):
    """The mission and period of a new draft (or of one to generate again)."""

    period_start = forms.DateField(
        label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(label=_("to"), widget=forms.DateInput(attrs={"type": "date"}))
    reporting_date = forms.ModelChoiceField(
        label=_("For the report due"),
        queryset=ReportingDate.objects.none(),
        required=False,
        empty_label=_("(not said)"),
    )
    language = forms.ChoiceField(label=_("Language of the draft"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, mission: Mission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reporting_date"].queryset = ReportingDate.objects.filter(  # type: ignore[attr-defined]
            mission=mission
        ).order_by("-date")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            raise ValidationError(_("A period cannot end before it starts."))
        return data


class TextsForm(forms.Form):
    """The editable text of each narrative section."""

    def __init__(self, *args: Any, draft: ReportDraft, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        titles = {s["key"]: s["title"] for s in draft.data.get("sections", [])}
        for key in NARRATIVE_SECTIONS:
            self.fields[key] = forms.CharField(
                label=titles.get(key, key),
                required=False,
                initial=draft.texts.get(key, ""),
                widget=forms.Textarea(attrs={"rows": 8}),
                max_length=50_000,
            )


class IssueForm(forms.Form):
    """The report that carries the draft: one registered on the mission, or a new one."""

    report = forms.ModelChoiceField(
        label=_("Registered report"),
        queryset=SecretaryGeneralReport.objects.none(),
        required=False,
        empty_label=_("(a new report)"),
    )
    symbol = forms.CharField(label=_("Symbol of a new report"), max_length=100, required=False)
    date = forms.DateField(
        label=_("Date of a new report"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    link = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")

    def __init__(self, *args: Any, mission: Mission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = SecretaryGeneralReport.objects.filter(  # type: ignore[attr-defined]
            mission=mission
        ).order_by("-date")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("report") is None and not (data.get("symbol") and data.get("date")):
            raise ValidationError(
                _("Choose the registered report, or give the symbol and date of a new one.")
            )
        return data
