"""Is a paragraph about security sector reform, and on which themes?

Two readings of the same text, both by keywords:

* **Relevance.** A paragraph is SSR-relevant when it names security sector reform or
  governance, or one of the institutions SSR deals with: defence and armed forces, police,
  justice and corrections, border services, intelligence services, disarmament,
  demobilization and reintegration, small arms control. The words found are reported
  (``matched``), so that a reader sees why. A sub-paragraph of a relevant chapeau is relevant
  too ("Requests the Secretary-General ... in supporting SSR: (a) Strengthen ..."); it then says
  so with ``inherited``.
* **Themes.** The themes of ``fixtures/themes.json`` (by slug): the cross-cutting ones
  (national ownership, gender, human rights, ...), sector-wide governance and the components.
  A theme alone does not make a paragraph relevant: "women's participation in the peace
  process" is on gender, not on SSR.

Pure Python like the rest of the parser; one pass of each pattern over the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# The words that make a paragraph SSR-relevant. Case-insensitive except where an acronym could
# be a word ("SSR", "DDR").
_RELEVANCE = re.compile(
    r"(?i:security[-\s]+sector(?:\s+(?:reform|governance))?"
    r"|security\s+(?:and\s+(?:justice|defence|defense)\s+)?institutions"
    r"|(?:national\s+)?(?:security|defen[cs]e|armed)\s+(?:and\s+(?:security|defen[cs]e)\s+)?forces"
    r"|\bpolic(?:e|ing)\b|\bgendarmerie\b|\blaw\s+enforcement\b"
    r"|\bjustice\s+(?:and\s+corrections|sector|system|institutions)\b|\bcorrections\b|\bprisons?\b"
    r"|\bborder\s+(?:management|control|security|services)\b|\bcustoms\b"
    r"|\bintelligence\s+(?:services|agencies)\b"
    r"|\bdisarmament,?\s+demobili[sz]ation\b|\bsmall\s+arms\b)"
    r"|\bSSR\b|\bDDR\b",
)

#: Theme slug -> what names it. Slugs are those of fixtures/themes.json.
_THEME_PATTERNS: dict[str, str] = {
    "national-ownership": r"(?i:\bnational(?:ly)?[-\s]+(?:ownership|owned|led)\b)",
    "gender": (
        r"(?i:\bwomen\b|\bwomen[’']s\b|\bgender\b"
        r"|\bsexual\s+(?:and\s+gender-based\s+)?violence\b)"
    ),
    "youth": r"(?i:\byouth\b|\byoung\s+people\b)",
    "child-protection": r"(?i:\bchild\s+protection\b|\bchildren\b)",
    "human-rights": r"(?i:\bhuman\s+rights\b|\bimpunity\b|\baccountab(?:le|ility)\b)",
    "rule-of-law": r"(?i:\brule\s+of\s+law\b)",
    "ddr": r"(?i:\bdisarmament,?\s+demobili[sz]ation\b|\breintegration\b)|\bDDR\b",
    "small-arms": r"(?i:\bsmall\s+arms\b|\blight\s+weapons\b|\bammunition\b)",
    "arms-embargoes": r"(?i:\barms\s+embargo(?:es)?\b|\bembargo(?:es)?\b)",
    "transitions": r"(?i:\btransitions?\b|\bdrawdown\b|\bexit\s+strateg(?:y|ies)\b)",
    "partnerships": (
        r"(?i:\bAfrican\s+Union\b|\b(?:sub-?)?regional\s+(?:and\s+(?:sub-?)?regional\s+)?"
        r"(?:organi[sz]ations|arrangements|bodies)\b|\bEuropean\s+Union\b|\bpartnerships?\b)"
    ),
    "coordination": r"(?i:\bcoordinat\w*|\bcoheren\w*|\bintegrated\s+approach\b)",
    "monitoring-evaluation": r"(?i:\bmonitor\w*|\bevaluat\w*|\bbenchmarks?\b)",
    "financing": r"(?i:\bfinanc\w*|\bfunding\b|\bvoluntary\s+(?:support|contributions)\b)",
    "guidance-capacity": r"(?i:\bguidance\b|\btraining\b|\bcapacity[-\s]building\b)",
    "reporting": (
        r"(?i:\breports?\s+(?:to\s+the\s+(?:Security\s+)?Council|on\s+(?:his|her|its)\s+efforts)"
        r"|\bregular\s+reports\b|\bbrief(?:ing)?s?\s+the\s+(?:Security\s+)?Council\b)"
    ),
    "sector-governance": (
        r"(?i:\bsecurity\s+sector\s+governance\b|\boversight\b|\blegislation\b"
        r"|\bnational\s+security\s+(?:strateg(?:y|ies)|polic(?:y|ies)|architecture)\b"
        r"|\bsector-wide\b|\bsecurity\s+sector\s+reviews?\b)"
    ),
    "defence": r"(?i:\bdefen[cs]e\b|\barmed\s+forces\b|\bmilitary\b)",
    "police": r"(?i:\bpolic(?:e|ing)\b|\bgendarmerie\b|\blaw\s+enforcement\b)",
    "justice-corrections": (
        r"(?i:\bjustice\b|\bjudicia\w+|\bcorrections\b|\bprisons?\b|\bcourts?\b)"
    ),
    "border-management": r"(?i:\bborders?\b|\bcustoms\b|\bimmigration\b)",
    "civil-protection": r"(?i:\bdisaster\s+management\b|\bcivil\s+protection\b)",
    "maritime-security": r"(?i:\bmaritime\b|\bpiracy\b|\bcoast\s+guards?\b)",
    "intelligence": r"(?i:\bintelligence\b)",
    "customary-providers": r"(?i:\bcustomary\b|\btraditional\s+security\s+providers\b)",
}

_THEMES = [(slug, re.compile(pattern)) for slug, pattern in _THEME_PATTERNS.items()]

#: Every theme slug the parser can report, in the order it reports them.
THEMES = tuple(_THEME_PATTERNS)


@dataclass
class Ssr:
    """What the keywords say about one paragraph."""

    relevant: bool = False
    themes: list[str] = field(default_factory=list)
    #: The words of the text that made it relevant, as written, each once, in order.
    matched: list[str] = field(default_factory=list)
    #: Relevant only because the paragraph it belongs to is.
    inherited: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "relevant": self.relevant,
            "themes": list(self.themes),
            "matched": list(self.matched),
            "inherited": self.inherited,
        }


def assess(text: str, *, parent: Ssr | None = None) -> Ssr:
    """The SSR relevance and themes of ``text``; ``parent`` is the chapeau's, for a
    sub-paragraph."""
    matched: list[str] = []
    seen: set[str] = set()
    for match in _RELEVANCE.finditer(text):
        words = " ".join(match.group(0).split())
        if words.lower() not in seen:
            seen.add(words.lower())
            matched.append(words)
    themes = [slug for slug, pattern in _THEMES if pattern.search(text)]
    inherited = not matched and parent is not None and parent.relevant
    return Ssr(
        relevant=bool(matched) or inherited, themes=themes, matched=matched, inherited=inherited
    )
