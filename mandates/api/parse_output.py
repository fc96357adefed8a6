"""The parse output in the OpenAPI schema: ``GET /api/v1/documents/{id}/parse/``.

The response is the parser's own ``to_dict()``, as ``parse_document --format json`` prints it;
these serializers only describe it for the OpenAPI schema and its client generators. The
contract itself is ``docs/parse-output.schema.json``: a test checks that both list the same keys.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mandates.documents.parser import SCHEMA_VERSION
from mandates.documents.parser.addressees import ADDRESSEE_KINDS
from mandates.documents.parser.model import DEADLINE_KINDS
from mandates.documents.parser.ssr import THEMES

STRENGTHS = ("obligation", "expectation", "none")


class ParsedSsrSerializer(serializers.Serializer):
    relevant = serializers.BooleanField(
        help_text="True when the text names SSR or asks something of a security institution "
        "(matched), or, for a sub-paragraph, when its paragraph is relevant (inherited)."
    )
    themes = serializers.ListField(
        child=serializers.ChoiceField(choices=THEMES), help_text="The themes named, by slug."
    )
    matched = serializers.ListField(
        child=serializers.CharField(),
        help_text="The words of the text that made it relevant, as written, each once.",
    )
    inherited = serializers.BooleanField(
        help_text="Relevant only because the paragraph it belongs to is."
    )
    theme_words = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For each theme of themes, the words of the text that named it, each once.",
    )


class ParsedAddresseeSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The canonical name, as in addressees.")
    kind = serializers.ChoiceField(choices=ADDRESSEE_KINDS)


class ParsedDeadlineSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The words of the text that set it.")
    due = serializers.DateField(
        allow_null=True, help_text="The due date, when it can be worked out."
    )
    recurrence = serializers.CharField(
        allow_null=True,
        help_text='An ISO 8601 duration ("P3M") or "regular_reports"; null for a one-off.',
    )
    kind = serializers.ChoiceField(choices=DEADLINE_KINDS)
    relative_to = serializers.CharField(
        allow_null=True,
        help_text='For a relative deadline, what it runs from: "adoption" or the words of the '
        "text; else null.",
    )


@extend_schema_field(
    {"type": "array", "items": {"$ref": "#/components/schemas/ParsedSubparagraph"}}
)
class SubparagraphListField(serializers.ListField):
    """Sub-paragraphs, each of which may have its own (the schema refers to itself)."""


class ParsedSubparagraphSerializer(serializers.Serializer):
    label = serializers.CharField(help_text='The label without parentheses: "a", "ii".')
    text = serializers.CharField()
    addressees = serializers.ListField(child=serializers.CharField())
    deadlines = ParsedDeadlineSerializer(many=True)
    subparagraphs = SubparagraphListField()
    addressee_details = ParsedAddresseeSerializer(many=True)
    ssr = ParsedSsrSerializer()


class ParsedOperativeSerializer(serializers.Serializer):
    number = serializers.IntegerField(
        allow_null=True, min_value=0, help_text="Null for an unnumbered paragraph."
    )
    text = serializers.CharField()
    verb = serializers.CharField(help_text="The lead verb, canonical; empty when none is found.")
    strength = serializers.ChoiceField(choices=STRENGTHS)
    addressees = serializers.ListField(
        child=serializers.CharField(), help_text="Who is asked to act, as canonical names."
    )
    deadlines = ParsedDeadlineSerializer(many=True)
    subparagraphs = ParsedSubparagraphSerializer(many=True)
    addressee_details = ParsedAddresseeSerializer(many=True)
    ssr = ParsedSsrSerializer()


class ParsedPreambularSerializer(serializers.Serializer):
    text = serializers.CharField()
    ssr = ParsedSsrSerializer()


class ParsedRenewalSerializer(serializers.Serializer):
    mission = serializers.CharField(help_text="The acronym when given, else the name as written.")
    expires = serializers.DateField(allow_null=True, help_text="The new expiry, when known.")
    paragraph = serializers.CharField(help_text='The paragraph that decides it: "8", "2(b)".')


class ParseOutputSerializer(serializers.Serializer):
    schema_version = serializers.ChoiceField(
        choices=[SCHEMA_VERSION], help_text="The version of docs/parse-output.schema.json."
    )
    symbol = serializers.CharField(allow_null=True)
    date = serializers.DateField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    preambular = ParsedPreambularSerializer(many=True)
    operative = ParsedOperativeSerializer(many=True)
    renewals = ParsedRenewalSerializer(many=True)
