"""SSR relevance measured on paragraphs labelled by hand (tests/data/ssr_relevance_*)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mandates.documents.parser.ssr import THEMES, assess
from mandates.documents.parser.ssr_eval import (
    DEFAULT_LABELS,
    LABELLED_THEMES,
    evaluate,
    format_report,
    load_labels,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def labels() -> list[dict]:
    return load_labels()


def test_the_labelled_set_is_large_and_varied_enough(labels) -> None:
    assert DEFAULT_LABELS == ROOT / "tests" / "data" / "ssr_relevance_labels.json"
    assert len(labels) >= 300
    assert len({row["resolution"] for row in labels}) >= 30
    years = {row["resolution"][-5:-1] for row in labels}
    assert len(years) >= 10
    keys = {"resolution", "paragraph", "excerpt", "relevant", "themes", "note", "text"}
    assert all(set(row) == keys for row in labels)
    assert all(row["text"].startswith(row["excerpt"].rstrip("…")) for row in labels)
    assert {theme for row in labels for theme in row["themes"]} <= set(LABELLED_THEMES)
    assert set(LABELLED_THEMES) <= set(THEMES)
    # Themes were labelled on relevant paragraphs only.
    assert not [row for row in labels if row["themes"] and not row["relevant"]]
    assert (ROOT / "tests" / "data" / "ssr_relevance_RULES.md").is_file()


def test_relevance_precision_and_recall_are_at_least_0_9(labels) -> None:
    result = evaluate(labels)
    print()
    print(format_report(result))
    assert result.relevance.precision >= 0.9
    assert result.relevance.recall >= 0.9


def test_the_themes_police_ddr_and_small_arms_are_found_on_relevant_paragraphs(labels) -> None:
    themes = evaluate(labels).themes
    for slug in ("police", "ddr", "small-arms"):
        assert themes[slug].recall >= 0.9, slug
        assert themes[slug].precision >= 0.9, slug


def test_the_report_script_prints_the_figures(capsys) -> None:
    from mandates.documents.parser import ssr_eval

    assert ssr_eval.main([]) == 0
    out = capsys.readouterr().out
    assert "relevance: precision" in out
    assert "disagreements:" in out


def test_the_missions_own_police_is_not_the_host_countrys() -> None:
    strength = (
        "Decides that UNMISS will consist of up to 7,000 military personnel and up to 900 "
        "civilian police personnel, including formed police units;"
    )
    assert assess(strength).relevant is False
    contributors = "Encourages police-contributing countries to provide trained police personnel;"
    assert assess(contributors).relevant is False
    components = "Affirms the role of United Nations Police Components in protecting civilians;"
    assert assess(components).relevant is False


def test_a_security_institution_counts_only_near_a_word_of_reform_or_capacity() -> None:
    operation = "Authorizes AMISOM, in coordination with the Somali security forces, to act;"
    assert assess(operation).relevant is False
    reform = "Urges the Government to integrate and train the security forces;"
    assert assess(reform).matched == ["security forces"]
    assert assess("Demands access to prisons for human rights observers;").relevant is False
    assert assess("Supports the prison administration;").matched == ["prison administration"]


def test_ddr_demobilization_mine_action_and_national_police_acronyms_are_relevant() -> None:
    assert assess("support MONUSCO in the DDRRR activities").matched == ["DDRRR"]
    assert assess("engage in their demobilization and reintegration").relevant is True
    assert assess("Requests UNMAS to continue mine action").theme_words == {
        "small-arms": ["mine action"]
    }
    assert assess("continue its support of the HNP").matched == ["HNP"]
    assert assess("Welcomes the DDRIVE programme").relevant is False


def test_the_themes_come_with_the_words_that_named_them() -> None:
    ssr = assess(
        "Requests the mission to support the reform of the national police, the corrections "
        "system and border management, and the collection of small arms;"
    )
    assert ssr.theme_words["police"] == ["police"]
    assert ssr.theme_words["justice-corrections"] == ["corrections"]
    assert ssr.theme_words["border-management"] == ["border"]
    assert ssr.theme_words["small-arms"] == ["small arms"]
    assert ssr.themes == list(ssr.theme_words)
    assert json.loads(json.dumps(ssr.to_dict()))["theme_words"] == ssr.theme_words
