"""Is a paragraph about security sector reform, and on which themes?

Two readings of the same text, both by keywords:

* **Relevance.** A paragraph is SSR-relevant when it names security sector reform or
  governance, or asks something of the institutions SSR deals with: defence and armed forces,
  police, justice and corrections, border services, maritime security, intelligence services,
  disarmament, demobilization and reintegration, small arms control and mine action, vetting
  and oversight. Words that name an institution as often as the force on the ground ("police",
  "security forces", "prisons") count only near a word of reform or capacity ("reform",
  "training", "strengthen"); the mission's own uniformed personnel and the UN's police
  ("police-contributing countries", "formed police units", "up to 900 civilian police
  personnel") are not the host country's institutions and are left out. The words found are
  reported (``matched``), so that a reader sees why. A sub-paragraph of a relevant chapeau is
  relevant too ("Requests the Secretary-General ... in supporting SSR: (a) Strengthen ..."); it
  then says so with ``inherited``.
* **Themes.** The themes of ``fixtures/themes.json`` (by slug): the cross-cutting ones
  (national ownership, gender, human rights, ...), sector-wide governance and the components,
  each with the words that named it (``theme_words``). A theme alone does not make a paragraph
  relevant: "women's participation in the peace process" is on gender, not on SSR.

The rules are measured against paragraphs labelled by hand (``tests/data/ssr_relevance_*``,
figures in ``docs/ssr-relevance.md``); change them in general, never for one example.

Pure Python like the rest of the parser; one pass of each pattern over the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# The words that make a paragraph SSR-relevant on their own. Case-insensitive except where an
# acronym could be a word ("SSR", "DDR", "HNP").
_STRONG = re.compile(
    # The leading \b lets the engine skip, at one test, every position inside a word.
    r"\b(?:(?i:security[-\s]+sector(?:\s+(?:reform|governance))?|\bsector-wide\b"
    r"|security\s+(?:and\s+(?:justice|defence|defense)\s+|actors\s+and\s+)?institutions"
    r"|\bnational\s+security\s+actors\b|\bnational\s+(?:police|army|gendarmerie)\b"
    r"|\b(?:polic(?:e|ing)|law\s+enforcement)(?:\s+and\s+(?:other\s+)?law\s+enforcement)?"
    r"\s+(?:institutions|services|agencies|reform|capacit(?:y|ies)|doctrine)\b"
    r"|\b(?:reform|reforming|professionali[sz]e)\s+(?:of\s+)?(?:host[-\s]State\s+)?polic(?:e|ing)\b"
    r"|\bjustice\s+(?:and\s+correction\w*|sector|systems?|institutions|reform)\b"
    r"|\bcorrections\b|\bcorrectional\b|\bjudicia(?:l|ry)\s+(?:institutions|system|reform)"
    r"|\bjudiciary\b|\brule\s+of\s+law\s+institutions\b|\bpre-?trial\s+detentions?\b"
    r"|\bprison\s+(?:administration|system|service|reform|management|overcrowding)\b"
    r"|\bborder\s+(?:management|control|security|services)\b|\bcoast\s+guards?\b"
    r"|\bmaritime\s+security\b|\bintelligence\s+(?:services|agencies)\b"
    r"|\bdisarmament,?\s+demobili[sz]ation\b|\bdemobili[sz]ation\b"
    r"|\breintegration\s+of\s+(?:ex-?|former\s+)?combatants\b"
    r"|\bsmall\s+arms\b|\bstockpile\s+management\b|\bmine\s+action\b|\bdemining\b"
    r"|\bvetting\b|\bhuman\s+rights\s+due\s+diligence\b"
    r"|\bsecurity\s+(?:or\s+disarmament\s+)?assistance\s+to\b"
    r"|\bcivil(?:ian)?[-\s]+military\s+relations\b|\bcivilian\s+control\b"
    r"|\bmilitary\s+in(?:to)?\s+politics\b)"
    r"|SSR\b|DDR(?:R{1,3})?\b|(?:HNP|LNP|PNC|FARDC|FACA|FAMa|ANSF|SPLA|PNTL|F-FDTL)\b)",
)

# Words that name a security institution but, alone, as often name the force on the ground
# ("in coordination with the Somali security forces") as its reform: they count only near a
# word of reform or capacity (_CUES, within _WINDOW characters either side).
_WEAK = re.compile(
    r"(?i:\bpolic(?:e|ing)\b|\bgendarmerie\b|\blaw\s+enforcement\b"
    r"|\b(?:national\s+)?(?:(?:defen[cs]e|security)\s+and\s+)?(?:security|defen[cs]e|armed)\s+forces\b"
    r"|\bprisons?\b|\bcustoms\b)"
)
_CUES = re.compile(
    r"(?i:\breform\w*|\brestructur\w*|\b(?:re)?build\w*|\bcapacit(?:y|ies)\b|\btrain\w*"
    r"|\bmentor\w*|\bvet\w*|\bprofessional\w*|\bstrengthen\w*|\binstitution\w*"
    r"|\bintegrat\w*|\boversight\b|\baccountab\w*|\bhost[-\s]State\b)"
)
_WINDOW = 60

# The mission's own uniformed personnel and the UN's police, which the relevance words would
# otherwise take for the host country's institutions: blanked out before matching.
_OWN_FORCES = re.compile(
    r"\b(?i:(?:troop[-\s]+and[-\s]+)?police[-\s]*contribut\w*(?:\s+countries)?"
    r"|\bUnited\s+Nations\s+police(?:\s+components?)?|\bUN\s+police\b|\bpolice\s+components?\b"
    r"|\bpolice\s+division\b|\bstanding\s+police\s+capacity\b|\bformed\s+(?:police\s+)?units?\b"
    r"|\bFPUs?\b|\b(?:military\s+and\s+)?(?:civilian\s+)?polic(?:e|ing)\s+"
    r"(?:personnel|officers|trainers|experts)\b"
    r"|\b\d[\d,]*\s+(?:[\w-]+\s+){0,2}(?:police|corrections)(?:\s+(?:personnel|officers))?\b)"
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
    "ddr": r"(?i:\bdisarmament,?\s+demobili[sz]ation\b|\breintegration\b)|\bDDR(?:R{1,3})?\b",
    # Small arms and light weapons, weapons and ammunition management, and mine action.
    "small-arms": (
        r"(?i:\bsmall\s+arms\b|\blight\s+weapons\b|\bammunition\b|\bstockpiles?\b"
        r"|\bweapons?\s+(?:control|registry|collection|management|permits?)\b"
        r"|\b(?:trafficking|movement|flows?|proliferation|possession)\s+of\s+(?:[\w-]+,?\s+){0,3}arms\b"
        r"|\bmine\s+action\b|\bdemining\b|\blandmines?\b|\bexplosive\s+remnants\s+of\s+war\b)"
    ),
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
        r"|\bsector-wide\b|\bsecurity\s+sector\s+reviews?\b|\bvetting\b|\bdue\s+diligence\b"
        r"|\bcivilian\s+control\b|\bmilitary\s+in(?:to)?\s+politics\b)"
    ),
    "defence": r"(?i:\bdefen[cs]e\b|\barmed\s+forces\b|\bmilitary\b)",
    "police": (
        r"(?i:\bpolic(?:e|ing)\b|\bgendarmerie\b|\blaw\s+enforcement\b"
        r"|\binternal\s+security\s+forces\b)|\b(?:HNP|LNP|PNC|PNTL)\b"
    ),
    "justice-corrections": (
        r"(?i:\bjustice\b|\bjudicia\w+|\bcorrection(?:s|al)\b|\bprisons?\b|\bcourts?\b)"
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
    #: Theme slug -> the words of the text that named it, each once, in order.
    theme_words: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "relevant": self.relevant,
            "themes": list(self.themes),
            "matched": list(self.matched),
            "inherited": self.inherited,
            "theme_words": {slug: list(words) for slug, words in self.theme_words.items()},
        }


def _relevance_words(text: str) -> list[str]:
    """The words that make ``text`` relevant, each once, in order of the text.

    1. Blank out the mission's own forces and the UN's police (:data:`_OWN_FORCES`), keeping
       the offsets.
    2. Take every strong word (:data:`_STRONG`).
    3. Take a weak word (:data:`_WEAK`) only when a word of reform or capacity (:data:`_CUES`)
       stands within :data:`_WINDOW` characters of it.
    """
    masked = _OWN_FORCES.sub(lambda m: " " * len(m.group(0)), text)
    strong = [m.span() for m in _STRONG.finditer(masked)]
    found = [(start, masked[start:end]) for start, end in strong]
    for match in _WEAK.finditer(masked):
        if any(start < match.end() and match.start() < end for start, end in strong):
            continue  # already inside a strong match ("police" in "police reform")
        around = masked[max(0, match.start() - _WINDOW) : match.end() + _WINDOW]
        if _CUES.search(around):
            found.append((match.start(), match.group(0)))
    words: list[str] = []
    seen: set[str] = set()
    for _, word in sorted(found):
        word = " ".join(word.split())
        if word.lower() not in seen:
            seen.add(word.lower())
            words.append(word)
    return words


def assess(text: str, *, parent: Ssr | None = None) -> Ssr:
    """The SSR relevance and themes of ``text``; ``parent`` is the chapeau's, for a
    sub-paragraph."""
    matched = _relevance_words(text)
    theme_words: dict[str, list[str]] = {}
    for slug, pattern in _THEMES:
        words: dict[str, str] = {}  # lower case -> as first written
        for match in pattern.finditer(text):
            word = " ".join(match.group(0).split())
            words.setdefault(word.lower(), word)
        if words:
            theme_words[slug] = list(words.values())
    inherited = not matched and parent is not None and parent.relevant
    return Ssr(
        relevant=bool(matched) or inherited,
        themes=list(theme_words),
        matched=matched,
        inherited=inherited,
        theme_words=theme_words,
    )
