"""Measure :func:`.ssr.assess` on hand-labelled paragraphs: ``python -m
mandates.documents.parser.ssr_eval [LABELS.json]``.

The labels (``tests/data/ssr_relevance_labels.json`` by default, rules in
``tests/data/ssr_relevance_RULES.md``) hold each paragraph's full text, so no corpus is needed.
Prints precision and recall of the relevance, then, for each SSR theme, the same on the
paragraphs labelled relevant, then every paragraph where the classifier and the label
disagree. Pure Python, like the parser.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ssr import assess

DEFAULT_LABELS = (
    Path(__file__).resolve().parents[3] / "tests" / "data" / "ssr_relevance_labels.json"
)

#: The themes the labels carry: the components, sector-wide governance, DDR and small arms.
LABELLED_THEMES = (
    "sector-governance",
    "defence",
    "police",
    "justice-corrections",
    "border-management",
    "maritime-security",
    "civil-protection",
    "intelligence",
    "ddr",
    "small-arms",
)


@dataclass
class Score:
    """True positives, false positives and false negatives of one reading."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    def add(self, *, predicted: bool, expected: bool) -> None:
        if predicted and expected:
            self.true_positives += 1
        elif predicted:
            self.false_positives += 1
        elif expected:
            self.false_negatives += 1


@dataclass
class Evaluation:
    """The scores of one run over the labels, and the paragraphs it got wrong."""

    paragraphs: int = 0
    resolutions: int = 0
    relevance: Score = field(default_factory=Score)
    themes: dict[str, Score] = field(default_factory=dict)
    #: "1840 (2008) OP9: labelled relevant, found not relevant" and the like.
    disagreements: list[str] = field(default_factory=list)


def load_labels(path: Path = DEFAULT_LABELS) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return rows


def evaluate(rows: Iterable[dict[str, Any]]) -> Evaluation:
    """Run :func:`.ssr.assess` on each labelled paragraph and score it against the label."""
    result = Evaluation(themes={slug: Score() for slug in LABELLED_THEMES})
    resolutions: set[str] = set()
    for row in rows:
        result.paragraphs += 1
        resolutions.add(row["resolution"])
        found = assess(row["text"])
        expected = bool(row["relevant"])
        result.relevance.add(predicted=found.relevant, expected=expected)
        where = f"{row['resolution']} {row['paragraph']}"
        if found.relevant != expected:
            words = ", ".join(found.matched) or "no word"
            result.disagreements.append(
                f"{where}: labelled {'relevant' if expected else 'not relevant'}, "
                f"found {'relevant' if found.relevant else 'not relevant'} ({words})"
            )
        if expected:
            for slug, score in result.themes.items():
                score.add(predicted=slug in found.themes, expected=slug in row["themes"])
    result.resolutions = len(resolutions)
    return result


def format_report(result: Evaluation) -> str:
    relevance = result.relevance
    lines = [
        f"{result.paragraphs} paragraphs of {result.resolutions} resolutions, "
        f"{relevance.true_positives + relevance.false_negatives} labelled relevant",
        f"relevance: precision {relevance.precision:.3f}, recall {relevance.recall:.3f} "
        f"(tp {relevance.true_positives}, fp {relevance.false_positives}, "
        f"fn {relevance.false_negatives})",
        "themes, on the paragraphs labelled relevant:",
    ]
    for slug, score in result.themes.items():
        lines.append(
            f"  {slug:<20} precision {score.precision:.2f}  recall {score.recall:.2f}  "
            f"(tp {score.true_positives}, fp {score.false_positives}, "
            f"fn {score.false_negatives})"
        )
    lines.append("disagreements:")
    lines.extend(f"  {line}" for line in result.disagreements)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("labels", nargs="?", type=Path, default=DEFAULT_LABELS)
    args = parser.parse_args(argv)
    print(format_report(evaluate(load_labels(args.labels))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
