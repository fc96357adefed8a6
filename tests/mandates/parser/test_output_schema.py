"""The parse output is a contract: docs/parse-output.schema.json describes it, every seed text and a
fixed sample of the corpus parse to output that follows it, and the schema's lists of kinds and
themes are the parser's own.

The seed texts are in fixtures/sources (and, in a full checkout, ../shared/seeds); the corpus
tests are skipped when the corpus is absent, as in test_corpus.
"""

from __future__ import annotations

import datetime
import json
import random
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mandates.documents.parser import (
    SCHEMA_VERSION,
    Deadline,
    ParsedDocument,
    ParsedParagraph,
    ParseError,
    parse_bytes,
    parse_text,
)
from mandates.documents.parser.addressees import ADDRESSEE_KINDS, addressee_kind
from mandates.documents.parser.model import DEADLINE_KINDS
from mandates.documents.parser.ssr import THEMES, assess
from tests.mandates.parser.test_corpus import CORPUS

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_FILE = ROOT / "docs" / "parse-output.schema.json"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
CORPUS_SAMPLE = 60


def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def validate(data: dict[str, Any]) -> None:
    """Raise jsonschema's ValidationError, naming the path, when ``data`` breaks the schema."""
    validator = jsonschema.Draft202012Validator(
        _schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(data)


def _seed_files() -> list[Path]:
    files = sorted((ROOT / "fixtures" / "sources").glob("*.txt"))
    files += sorted((ROOT / "fixtures" / "sources").glob("*.md"))
    if SHARED_SEEDS.is_dir():
        files += sorted(p for p in SHARED_SEEDS.iterdir() if p.suffix in (".txt", ".md"))
    return files


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = _schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_the_schema_lists_the_parsers_own_kinds_and_themes() -> None:
    definitions = _schema()["$defs"]
    kind = definitions["addressee_details"]["items"]["properties"]["kind"]
    assert kind["enum"] == list(ADDRESSEE_KINDS)
    assert definitions["deadline"]["properties"]["kind"]["enum"] == list(DEADLINE_KINDS)
    assert definitions["ssr"]["properties"]["themes"]["items"]["enum"] == list(THEMES)


def test_the_themes_are_those_of_the_app() -> None:
    themes = json.loads((ROOT / "fixtures" / "themes.json").read_text(encoding="utf-8"))
    assert set(THEMES) == {theme["slug"] for theme in themes}


@pytest.mark.parametrize("path", _seed_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_seed_text_parses_to_the_schema(path: Path) -> None:
    try:
        document = parse_bytes(path.read_bytes())
    except ParseError:
        # Not a resolution (the newsletter): refused before any output, so nothing to check.
        assert "newsletter" in path.name.lower()
        return
    data = document.to_dict()
    validate(data)
    assert data["schema_version"] == SCHEMA_VERSION
    _check_consistency(data)


def test_the_fixtures_hold_every_seed_resolution() -> None:
    names = {p.name for p in _seed_files()}
    assert {"S-RES-2553-2020_plain.txt", "S-RES-2151-2014.txt"} <= names


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the resolution corpus is not at {CORPUS}")
def test_a_fixed_sample_of_the_corpus_parses_to_the_schema() -> None:
    files = sorted(CORPUS.iterdir())
    sample = random.Random(2553).sample(files, CORPUS_SAMPLE)  # noqa: S311 (a fixed sample)
    renewals = 0
    for path in sample:
        data = parse_bytes(path.read_bytes()).to_dict()
        try:
            validate(data)
        except jsonschema.ValidationError as exc:
            pytest.fail(f"{path.name}: {exc.message} at {list(exc.absolute_path)}")
        _check_consistency(data)
        renewals += len(data["renewals"])
    assert renewals > 0  # a sample this size always holds some mandate renewals


def _paragraphs(data: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(paragraph: dict[str, Any]) -> None:
        found.append(paragraph)
        for sub in paragraph["subparagraphs"]:
            walk(sub)

    for paragraph in data["operative"]:
        walk(paragraph)
    return found


def _check_consistency(data: dict[str, Any]) -> None:
    """What the schema cannot say: addressee_details repeats addressees, in order; a relevant
    paragraph shows why; a deadline's kind agrees with its recurrence."""
    for paragraph in _paragraphs(data):
        assert [a["text"] for a in paragraph["addressee_details"]] == paragraph["addressees"]
        ssr = paragraph["ssr"]
        assert ssr["relevant"] == bool(ssr["matched"]) or ssr["inherited"]
        for deadline in paragraph["deadlines"]:
            if deadline["kind"] == "with_report":
                assert deadline["recurrence"] == "regular_reports"
            elif deadline["kind"] == "recurring":
                assert deadline["recurrence"].startswith("P")
            else:
                assert deadline["recurrence"] is None
            assert (deadline["relative_to"] is not None) == (deadline["kind"] == "relative")


# --- The new keys, one by one -----------------------------------------------------------------

RESOLUTION = """Resolution 9999 (2025)
Adopted by the Security Council at its 9999th meeting, on 1 June 2025

The Security Council,

Recalling its previous resolutions on the Central African Republic,

1. Decides to extend the mandate of the United Nations Multidimensional Integrated Stabilization
Mission in the Central African Republic (MINUSCA) until 15 November 2025;

2. Requests the Secretary-General to report to the Council within 90 days of the adoption of
this resolution, and every three months thereafter, on the reform of the national police and
defence forces;

3. Encourages Member States and the African Union to submit their views within 30 days of
receiving the report;

4. Requests MINUSCA to:
(a) Support the national authorities in the reform of the security sector;
(b) Assist in organizing the elections;

5. Decides to renew the mandate of the Panel of Experts for a period of twelve months;

6. Decides to remain seized of the matter.
"""


@pytest.fixture(scope="module")
def output() -> dict[str, Any]:
    data = parse_text(RESOLUTION).to_dict()
    validate(data)
    return data


def _op(data: dict[str, Any], number: int) -> dict[str, Any]:
    return next(p for p in data["operative"] if p["number"] == number)


def test_renewals_name_the_mission_its_new_expiry_and_the_paragraph(output) -> None:
    assert output["renewals"] == [
        {"mission": "MINUSCA", "expires": "2025-11-15", "paragraph": "1"},
        # a period from the adoption date
        {"mission": "Panel of Experts", "expires": "2026-06-01", "paragraph": "5"},
    ]


def test_a_recommendation_to_renew_is_no_renewal() -> None:
    text = (
        "The Security Council,\nRecalling its resolutions,\n"
        "1. Endorses the recommendation to renew the mandate of UNIFIL until 31 January 2003;\n"
        "2. Decides to remain seized of the matter.\n"
    )
    assert parse_text(text).to_dict()["renewals"] == []


def test_deadlines_say_their_kind_and_what_they_run_from(output) -> None:
    assert _op(output, 2)["deadlines"] == [
        {
            "text": "within 90 days of the adoption of this resolution",
            "due": "2025-08-30",
            "recurrence": None,
            "kind": "relative",
            "relative_to": "adoption",
        },
        {
            "text": "every three months",
            "due": None,
            "recurrence": "P3M",
            "kind": "recurring",
            "relative_to": None,
        },
    ]
    assert _op(output, 3)["deadlines"] == [
        {
            "text": "within 30 days of receiving the report",
            "due": None,
            "recurrence": None,
            "kind": "relative",
            "relative_to": "receiving the report",
        }
    ]


def test_addressees_stay_strings_and_gain_their_kind(output) -> None:
    op3 = _op(output, 3)
    assert op3["addressees"] == ["Member States", "African Union"]
    assert op3["addressee_details"] == [
        {"text": "Member States", "kind": "member_states"},
        {"text": "African Union", "kind": "regional_organization"},
    ]
    op4 = _op(output, 4)
    assert op4["addressee_details"] == [{"text": "MINUSCA", "kind": "mission"}]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Secretary-General", "secretary_general"),
        ("MINUSMA", "mission"),
        ("UNSMIL", "mission"),
        ("missions", "mission"),
        ("national authorities", "host_authorities"),
        ("United Nations entities", "un_entity"),
        ("Inter-Agency SSR Task Force", "un_entity"),
        ("regional organizations", "regional_organization"),
        ("parties", "parties"),
        ("committees and panels", "committee_panel"),
        ("someone new", "other"),
    ],
)
def test_addressee_kinds(name: str, kind: str) -> None:
    assert addressee_kind(name) == kind


def test_ssr_relevance_shows_the_words_that_decided_it(output) -> None:
    op2 = _op(output, 2)["ssr"]
    assert op2["relevant"] is True
    assert op2["matched"] == ["national police", "defence forces"]
    assert {"police", "defence", "reporting"} <= set(op2["themes"])
    assert op2["theme_words"]["police"] == ["police"]
    assert _op(output, 6)["ssr"] == {
        "relevant": False,
        "themes": [],
        "matched": [],
        "inherited": False,
        "theme_words": {},
    }


def test_a_subparagraph_of_a_relevant_paragraph_inherits_its_relevance() -> None:
    text = (
        "The Security Council,\nRecalling its resolutions,\n"
        "1. Requests the Secretary-General to support security sector reform, and in this "
        "regard to:\n(a) Organize a conference;\n(b) Train the national police;\n"
    )
    op1 = parse_text(text).to_dict()["operative"][0]
    first, second = op1["subparagraphs"]
    assert first["ssr"] == {
        "relevant": True,
        "themes": [],
        "matched": [],
        "inherited": True,
        "theme_words": {},
    }
    assert second["ssr"]["matched"] == ["national police"]
    assert second["ssr"]["inherited"] is False


def test_ssr_alone_is_relevance_but_ssr_inside_a_word_is_not() -> None:
    assert assess("Supports SSR in Mali").matched == ["SSR"]
    assert assess("Welcomes the SSRs website and the DDRIVE programme").relevant is False


def test_documents_built_by_hand_follow_the_schema() -> None:
    paragraph = ParsedParagraph(
        kind="operative",
        number=1,
        label="",
        text="Requests a report on police reform by 31 March 2022;",
        verb="Requests",
        strength="obligation",
        addressees=["Secretary-General"],
        deadlines=[Deadline(text="by 31 March 2022", due=datetime.date(2022, 3, 31))],
    )
    data = ParsedDocument(symbol=None, date=None, title=None, operative=[paragraph]).to_dict()
    validate(data)
    assert data["operative"][0]["deadlines"][0]["kind"] == "date"
    assert data["operative"][0]["ssr"]["matched"] == ["police reform"]


def test_the_schema_refuses_output_that_breaks_it(output) -> None:
    broken = json.loads(json.dumps(output))
    broken["operative"][0]["addressees"] = [{"text": "Secretary-General"}]
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)
    unversioned = {k: v for k, v in output.items() if k != "schema_version"}
    with pytest.raises(jsonschema.ValidationError):
        validate(unversioned)
