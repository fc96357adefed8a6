"""Who a paragraph asks to act.

Addressees are the objects of the directive verbs ("requests the Secretary-General to",
"encourages Member States to", "calls upon all parties to") and the subject of "Decides that
MINUSMA shall". They are reported under canonical names:

``Secretary-General``, ``Member States``, ``parties``, ``missions``, mission acronyms
(``MINUSMA``), ``regional organizations``, ``African Union``, ``Peacebuilding Commission``,
``United Nations entities``, ``Inter-Agency SSR Task Force``, ``national authorities``,
``partners``, ``committees and panels`` (the Council's sanctions committees, panels and groups
of experts), and named States under their names (``France``, of kind ``member_states``).
The Secretary-General's envoys and representatives are reported as the Secretary-General;
national security institutions and leaders ("the Armed Forces", "political leaders") as
``national authorities``. Those the asked work with ("in consultation with the African Union",
"after a joint mission with the AU", "cooperate fully with MONUSCO") are not addressees. The
Security Council is never an addressee: it is the author.
"""

from __future__ import annotations

import re

from .countries import COUNTRY, in_place_list, reported_name
from .verbs import NONE, clause_verbs, lead_verb_span, verb_strength


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a word-list literal."""
    return text.split()


SECRETARY_GENERAL = "Secretary-General"
COMMITTEES = "committees and panels"
# The key of the pattern for his envoys and representatives, reported as the Secretary-General.
_ENVOYS = "envoys"

# Acronyms of peace operations and political missions (United Nations and others).
KNOWN_MISSIONS = frozenset(
    _words(
        """
        MINUSMA MINUSCA MINUSTAH MINUJUSTH MINURSO MINURCAT MINUGUA MONUSCO MONUC MONUA UNMISS
    UNAMID UNAMA UNAMI UNSOM UNSOS UNFICYP UNIFIL UNDOF UNMIK UNMIL UNOCI ONUCI ONUB ONUMOZ
    ONUSAL UNMIS UNMIT UNTAET UNMISET UNAMSIL UNOMSIL UNOMIG UNPROFOR UNTAC UNOSOM UNITAF
    UNAMIR UNOMUR UNMIH UNSMIH UNTMIH MIPONUH UNAVEM UNMEE UNIKOM UNMOVIC UNSCOM UNMOP UNMIBH
    UNTAES UNPREDEP UNCRO UNMOT UNOMIL UNASOG UNGOMAP UNIIMOG UNTAG UNEF UNYOM UNOGIL ONUC
    UNSF UNIPOM UNMOGIP UNTSO UNSMIL UNMHA UNITAMS UNIOGBIS UNIPSIL BINUB BINUCA UNOWA UNOWAS
    UNOCA UNRCCA UNSCO UNMIN UNPOS UNOGBIS UNTOP UNOTIL UNMIT UNSMIS UNVMC UNMHA UNOCHA
    AMISOM ATMIS AFISMA MISCA MISMA ECOMOG ECOMIB ECOMICI KFOR SFOR IFOR ISAF EUFOR MNF
    MONUSCO UNAMET UNMISET UNSMIL UNMEER"""
    )
)
# Acronyms that look like missions but are agencies, programmes or parties.
_ENTITY_ACRONYMS = frozenset(
    _words(
        """
        UNDP UNICEF UNHCR UNODC UNAIDS UNIFEM UNFPA UNOPS UNEP UNESCO UNRWA UNMAS UNITAR OHCHR
    OCHA DPKO DPO DPA DPPA DFS DOS PBSO UNCT WFP FAO WHO ILO IOM UNOCT CTED UNIDIR UNITA
    UNHABITAT UNWOMEN"""
    )
)
_AGENCY_ACRONYMS = _ENTITY_ACRONYMS - {"UNITA"}
_REGIONAL_ACRONYMS = frozenset(
    _words("ECOWAS ECCAS SADC IGAD EU OSCE OAS NATO CEEAC CEDEAO ASEAN ICGLR CIS GCC OIC")
)

# (canonical name, pattern), searched in the object phrase of a directive verb. Patterns in
# "(?i:...)" ignore case.
_NAME_PATTERNS: list[tuple[str, str]] = [
    (
        "Inter-Agency SSR Task Force",
        r"(?i:Inter-?\s?Agency\s+(?:Security\s+Sector\s+Reform|SSR)\s+Task\s+Force|IASSRTF)",
    ),
    (SECRETARY_GENERAL, r"(?i:\bSecretary[-\s]?General\b)"),
    # His envoys and representatives act for him ("the Special Envoy for the Great Lakes
    # Region", "the SRSG"); not those of another organization ("of the African Union").
    (
        _ENVOYS,
        r"\b(?:Deputy\s+|Joint\s+)?(?:Special|Personal)\s+(?:Representative|Envoy|Adviser|Advisor|"
        r"Coordinator)s?\b(?!\s+of\s+(?:the\s+)?(?!Secretary|United\s+Nations)[A-Z])"
        r"|\b(?:D?SRSGs?|SESG)\b",
    ),
    ("Peacebuilding Commission", r"\bPeace-?building\s+Commission\b|\bPBC\b"),
    # The Council's sanctions committees and their panels and groups of experts, asked to act
    # and report to the Council: not the Secretariat, and their dates are not ours.
    (
        COMMITTEES,
        r"\b(?:Committee|Panel\s+of\s+Experts|Group\s+of\s+Experts|Monitoring\s+(?:Group|Team)"
        r"|Expert\s+Panel|Panel)s?\b",
    ),
    ("African Union", r"\bAfrican\s+Union\b|\bAU\b"),
    (
        "regional organizations",
        r"(?i:\b(?:sub-?)?regional\s+(?:and\s+(?:sub-?)?regional\s+)?"
        r"(?:organi[sz]ations|arrangements|bodies|mechanisms|actors|partners)\b"
        r"|\bEuropean\s+Union\b|\bLeague\s+of\s+Arab\s+States\b"
        r"|\bEconomic\s+Community\s+of\s+(?:West|Central)\s+African\s+States\b"
        r"|\bOrgani[sz]ation\s+(?:of\s+American\s+States|for\s+Security\s+and\s+Co-?operation)"
        rf"|\b(?:{'|'.join(sorted(_REGIONAL_ACRONYMS))})\b)",
    ),
    (
        "United Nations entities",
        r"(?i:\bUnited\s+Nations\s+(?:entities|agencies|funds|programmes|system|country\s+teams?|"
        r"bodies|Development\s+Programme|Children's\s+Fund|High\s+Commissioner|Office|"
        r"Entity|Resident\s+Coordinators?)\b"
        r"|\bagencies,\s+funds\s+and\s+programmes\b|\bcountry\s+teams?\b"
        r"|\bspeciali[sz]ed\s+agencies\b"
        rf"|\b(?:{'|'.join(sorted(_AGENCY_ACRONYMS))})\b)",
    ),
    (
        "missions",
        r"\bpeace-?keeping\s+(?:operations?|missions?|forces?)\b"
        r"|\b(?:special\s+)?political\s+missions?\b|\bfield\s+missions\b"
        r"|\bUnited\s+Nations\s+missions\b|\bpeace\s+operations\b"
        r"|\bthe\s+(?:Mission|Operation|Force)\b",
    ),
    (
        "Member States",
        r"(?i:\bMember\s+States?\b|\bStates\s+Members\b)"
        r"|(?<!United\s)(?<!Arab\s)(?<!American\s)(?<!African\s)\bStates\b",
    ),
    (
        "parties",
        r"(?i:\bparties\b|\bparty\b|\bsignatories\b|\barmed\s+groups\b|\bmilitias\b)",
    ),
    (
        "national authorities",
        r"\bGovernments?\b|\b[Aa]uthorities\b|\bhost\s+(?:country|countries|State|States|"
        r"Government|nations?)\b|\bPresident\s+of\s+[A-Z]"
        # the security institutions and leaders of the State
        r"|\b(?:[Aa]rmed|[Dd]efen[cs]e(?:\s+and\s+[Ss]ecurity)?|[Ss]ecurity)\s+[Ff]orces\b"
        r"|\b[Nn]ational\s+(?:[Pp]olice|[Aa]rmy|[Gg]endarmerie)\b(?!-)"
        r"|\b(?:[Ss]ecurity|[Ss]tate|[Nn]ational)\s+institutions\b"
        r"|\b(?:[Pp]olitical|[Nn]ational|[Mm]ilitary)\s+(?:leaders|leadership)\b",
    ),
    (
        "partners",
        r"(?i:\bpartners\b|\bdonors?\b|\bbilateral\s+actors\b|\binternational\s+community\b"
        r"|\b(?:international|relevant|all)\s+(?:\w+\s+)?actors\b"
        r"|\bfinancial\s+institutions\b|\bWorld\s+Bank\b|\bInternational\s+Monetary\s+Fund\b)",
    ),
]

# An envoy or representative of another body, named before the title.
_OTHER_BODY = re.compile(
    r"(?:\bUnion|\bAU|\bEU|\bECOWAS|\bIGAD|\bSADC|\bECCAS|\bStates|\bOIC|\bOSCE|\bCommission|"
    rf"\bChairperson|\b(?:{'|'.join(sorted(_REGIONAL_ACRONYMS))}))['’]?s?\s*(?:-\s*)?(?:Deputy\s+|"
    r"Joint\s+)?$"
)
_PATTERNS = [(name, re.compile(pattern)) for name, pattern in _NAME_PATTERNS]

# Lower-case words one of which each pattern needs, to skip most searches cheaply.
_CUES: dict[str, tuple[str, ...]] = {
    "Inter-Agency SSR Task Force": ("task force", "iassrtf"),
    SECRETARY_GENERAL: ("general",),
    _ENVOYS: ("special", "personal", "srsg", "sesg"),
    "Peacebuilding Commission": ("commission", "pbc"),
    COMMITTEES: ("committee", "panel", "experts", "monitoring"),
    "African Union": ("african", "au"),
    "regional organizations": ("regional", "union", "league", "community", "organi", "ecowas",
                               "eccas", "sadc", "igad", "eu", "osce", "oas", "nato", "ceeac",
                               "cedeao", "asean", "icglr", "cis", "gcc", "oic"),
    "United Nations entities": ("nations", "agencies", "team", "un", "ohchr", "ocha", "dp", "df",
                                "dos", "pbso", "wfp", "fao", "who", "ilo", "iom", "cted"),
    "missions": ("peace", "political", "missions", "the mission", "the operation", "the force"),
    "Member States": ("state",),
    "parties": ("part", "signator", "armed groups", "militia"),
    "national authorities": ("government", "authorities", "host", "president of", "forces",
                             "national", "institutions", "leader"),
    "partners": ("partner", "donor", "actors", "community", "financial", "world bank",
                 "monetary"),
}  # fmt: skip

_CUED_PATTERNS = [(name, pattern, _CUES[name]) for name, pattern in _PATTERNS]

_ACRONYM = re.compile(r"\b[A-Z][A-Z-]{2,}[A-Z]\b")
_MISSION_LIKE = re.compile(r"^(?:UN|MINU|MONU|ONU|BINU)[A-Z]{2,}$")

# Where the object phrase of a directive verb ends: the infinitive, a that-clause subject
# boundary, a colon or semicolon, or the end of the sentence.
# (The lookahead for the first characters of the alternatives gives the same matches, faster:
# most positions are ruled out at once.)
_OBJECT_END = re.compile(
    r"(?=[t;:.wi])(?:"
    r"\bto\s+(?!the\b|all\b|a\b|an\b|its\b|their\b|this\b|that\b|these\b|those\b|each\b)[a-z]"
    r"|[;:.](?:\s|$)|\bwith\s+a\s+view\b|\bin\s+order\b)",
)
# Parenthetical clauses inside an object phrase that do not name addressees.
_ASIDE = re.compile(
    r",\s*(?:in|with|through|as|where|when|within|under|including|notably|particularly|from|"
    r"until|after|following|at|"
    r"acting|consistent|pursuant|taking|bearing|based|upon|on|for|while|and\s+in|inter\s+alia)"
    r"\b[^,]*(?=,|$)",
    re.I,
)
_THAT_SUBJECT = re.compile(
    r"^\s*(?:,[^,]*,\s*)?(?:also\s+|further\s+|in\s+particular\s+|again\s+)*that\s+(.{0,200}?)\s+"
    r"(?:shall|will|should|must|may|are|is|be|immediately|continue|cease|refrain|take|comply|"
    r"fully|cooperate|co-operate|ensure|implement|provide|allow|respect|abide|fulfil|fulfill|"
    r"honou?r|facilitate|engage|undertake|desist|redouble|pursue|withdraw|halt|grant|"
    r"participate|resume|observe|adhere|exercise|guarantee)\b",
    re.I,
)
# Partners of the parties asked, not parties asked: "the Secretary-General, in consultation
# with the African Union, ECOWAS and the CPLP, to assist", "after a joint mission with the AU".
# The object phrase is cut where such words begin.
_WITH_PARTNERS = re.compile(
    r",?\s*\b(?:in\s+(?:close\s+|full\s+|continued\s+)?(?:consultation|coordination|co-?operation|"
    r"collaboration|partnership|liaison|conjunction|cooperation)|after\s+(?:a\s+)?(?:joint\s+)?"
    r"(?:mission|visit|consultations?)|(?:working\s+)?(?:jointly|together|closely)|along|"
    r"alongside|in\s+(?:close\s+)?contact)\s+with\b",
    re.I,
)
_MAX_OBJECT = 220


def _object_phrase(text: str, start: int) -> str:
    """The words after a directive verb that name who is asked (bounded, asides removed)."""
    rest = text[start : start + 400]
    that = _THAT_SUBJECT.match(rest)
    if that:
        return that.group(1)
    end = _OBJECT_END.search(rest)
    phrase = rest[: end.start()] if end else rest[:_MAX_OBJECT]
    phrase = phrase[:_MAX_OBJECT]
    partners = _WITH_PARTNERS.search(phrase)
    if partners and phrase[: partners.start()].strip(" ,"):
        phrase = phrase[: partners.start()]
    elif partners:  # "Requests, in cooperation with the AU, the Secretary-General to"
        comma = phrase.find(",", partners.end())
        phrase = phrase[comma + 1 :] if comma >= 0 else ""
    return _ASIDE.sub("", phrase)


def names_in(phrase: str) -> list[str]:
    """Canonical addressees named in ``phrase``, in order of appearance."""
    found: list[tuple[int, str]] = []
    lowered = phrase.lower()
    for name, pattern, cues in _CUED_PATTERNS:
        # A plain loop: cheaper than any(map(...)) for the one or two cues most names have.
        for cue in cues:
            if cue in lowered:
                break
        else:
            continue
        match = pattern.search(phrase)
        if match and name == _ENVOYS:
            # "the African Union Special Envoy" is not his
            match = next(
                (
                    m
                    for m in pattern.finditer(phrase)
                    if not _OTHER_BODY.search(phrase, 0, m.start())
                ),
                None,
            )
        if match:
            found.append((match.start(), SECRETARY_GENERAL if name == _ENVOYS else name))
    for match in _ACRONYM.finditer(phrase):
        acronym = match.group(0)
        if acronym in KNOWN_MISSIONS or (
            _MISSION_LIKE.match(acronym) and acronym not in _ENTITY_ACRONYMS
        ):
            found.append((match.start(), acronym))
        elif acronym == "UNITA":
            found.append((match.start(), "parties"))
    for match in COUNTRY.finditer(phrase):
        if not in_place_list(phrase, match.start()):
            found.append((match.start("name"), reported_name(match.group("name"))))
    # "Secretary-General" inside "Special Representative of the Secretary-General" still names
    # the Secretary-General (through him); the Security Council is never an addressee.
    found.sort()
    names: list[str] = []
    for _, name in found:
        if name not in names:
            names.append(name)
    return names


_IT = re.compile(r"\s*(?:also\s+|further\s+|in\s+this\s+regard\s+)*it\b")
# Names "it" may stand for: one body, not a group ("Member States", "parties", ...).
_PLURAL_NAMES = frozenset(
    {SECRETARY_GENERAL, "Member States", "parties", "partners", "missions",
     "regional organizations", "United Nations entities"}
)  # fmt: skip


def _antecedent(before: str) -> list[str]:
    """What "requests it to" stands for: the last body named before it ("Welcomes progress
    made by MINUSTAH ..., and requests it to continue"), if that is one body (a mission, the
    African Union, a Government); else no one."""
    found: list[tuple[int, str]] = []
    for name, pattern, _cues in _CUED_PATTERNS:
        for match in pattern.finditer(before):
            found.append((match.start(), name))
    for match in _ACRONYM.finditer(before):
        acronym = match.group(0)
        if acronym in KNOWN_MISSIONS or (
            _MISSION_LIKE.match(acronym) and acronym not in _ENTITY_ACRONYMS
        ):
            found.append((match.start(), acronym))
    if not found:
        return []
    last = max(found)[1]
    return [] if last in _PLURAL_NAMES or last == _ENVOYS else [last]


def find_addressees(text: str, lead_verb: str, lead_end: int) -> list[str]:
    """Addressees of a paragraph: objects of its lead verb and of later directive clauses.

    1. For the lead verb (if it is directive) and each later clause opened by a directive verb
       (", and requests ...", "; further encourages ..."), take the object phrase: the words up
       to the infinitive "to <verb>", or the subject of a "that ... shall" clause.
    2. Remove asides (", in close coordination with the AU,") and look for canonical names in
       order of appearance.
    3. "requests him to" is never read on its own: "him" stands for the Secretary-General only
       where the Secretary-General is already an addressee of the paragraph, so it adds no one.
       "requests it to" stands for the last body named before it, when that is one body.
    """
    names: list[str] = []
    clauses: list[tuple[str, int]] = []
    if lead_verb and verb_strength(lead_verb, text) != NONE:
        clauses.append((lead_verb, lead_end))
    clauses.extend(clause_verbs(text))
    for verb, end in clauses:
        if verb_strength(verb) == NONE:
            continue
        phrase = _object_phrase(text, end)
        found = names_in(phrase)
        if not found and _IT.match(phrase):
            found = _antecedent(text[:end])
        for name in found:
            if name not in names:
                names.append(name)
    return names


def subparagraph_addressees(text: str, parent: list[str]) -> list[str]:
    """Addressees of a sub-paragraph: those its own directive verb names, else the parent's.

    A sub-paragraph that opens with a third-person directive verb ("Urges the parties to")
    names its own addressees; one that opens with an imperative or a noun ("Strengthen ...",
    "Monitoring of ...") is a task for the parent's addressees.
    """
    verb, end = lead_verb_span(text, "operative")
    if verb and verb_strength(verb, text) != NONE:
        own = find_addressees(text, verb, end)
        if own:
            return own
    return list(parent)


#: The kinds of addressee, for readers that route by kind rather than by name.
ADDRESSEE_KINDS = (
    "secretary_general",
    "mission",
    "member_states",
    "host_authorities",
    "regional_organization",
    "un_entity",
    "parties",
    "partners",
    "committee_panel",
    "other",
)
_KIND_OF_NAME = {
    SECRETARY_GENERAL: "secretary_general",
    "missions": "mission",
    "Member States": "member_states",
    "national authorities": "host_authorities",
    "regional organizations": "regional_organization",
    "African Union": "regional_organization",
    "United Nations entities": "un_entity",
    "Inter-Agency SSR Task Force": "un_entity",
    "Peacebuilding Commission": "un_entity",
    "parties": "parties",
    "partners": "partners",
    COMMITTEES: "committee_panel",
}


def addressee_kind(name: str) -> str:
    """The kind of a canonical addressee name (see :data:`ADDRESSEE_KINDS`): a mission acronym
    is a ``mission``; a name this module does not give is ``other``."""
    kind = _KIND_OF_NAME.get(name)
    if kind is not None:
        return kind
    if name in KNOWN_MISSIONS or (_MISSION_LIKE.match(name) and name not in _ENTITY_ACRONYMS):
        return "mission"
    if COUNTRY.fullmatch(name):
        return "member_states"
    return "other"
