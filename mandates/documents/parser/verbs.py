"""Lead verbs and the strength of what a paragraph asks.

The Council writes operative paragraphs in the third person present ("Requests", "Calls upon"),
preambular paragraphs with participles and adjectives ("Recalling", "Deeply concerned") and
sub-paragraphs of a request with imperatives ("Strengthen", "Highlight").

Strength:

* ``obligation``: Decides, Requests, Demands, Directs, Authorizes, Mandates, Instructs,
  Requires, Orders (and their "Further/Also/Again ..." forms);
* ``expectation``: Encourages, Urges, Calls upon/on, Calls for, Invites, Recommends, Appeals,
  Asks, Exhorts, Insists, Expects;
* ``none``: everything else (Reaffirms, Notes, Welcomes, Resolves, ...). "Decides to remain
  seized of the matter" is ``none``: it binds no one.

A paragraph's strength is the strongest of its lead verb and of the verbs that open its later
clauses (", and requests the Secretary-General to ..."), so "Resolves to ..., and requests the
Secretary-General to consider the following" is an obligation.
"""

from __future__ import annotations

import functools
import itertools
import re


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a word-list literal."""
    return text.split()


OBLIGATION = "obligation"
EXPECTATION = "expectation"
NONE = "none"
_RANK = {NONE: 0, EXPECTATION: 1, OBLIGATION: 2}

# Third-person forms by strength; "_" joins the words of a multi-word verb.
_OBLIGATION_VERBS = """
    decides requests demands directs authorizes authorises mandates instructs requires orders
"""
_EXPECTATION_VERBS = """
    encourages urges invites recommends appeals asks exhorts insists expects calls_upon calls_on
    calls_for
"""
_NONE_VERBS = """
    reaffirms recognizes recognises notes takes_note stresses underlines underscores emphasizes
    emphasises welcomes expresses reiterates condemns commends acknowledges affirms recalls
    resolves deplores regrets supports endorses approves extends establishes adopts agrees
    considers determines declares confirms reminds looks_forward pays_tribute pays_homage salutes
    appreciates believes deems warns highlights praises thanks congratulates censures rejects
    denounces renews designates accepts undertakes intends calls_attention draws_attention
    remains stands_ready concurs bears_in_mind re-emphasizes reemphasizes re-affirms re-iterates
    observes reconfirms finds maintains holds concludes indicates gives deprecates clarifies
    records entrusts desires awaits restates announces transmits issues takes_cognizance advises
    lends reposes shares relies continues appoints elects admits condones commits
"""

_IRREGULAR_PARTICIPLES = {"takes": "taking", "pays": "paying", "draws": "drawing"}


def _base(third_person: str) -> str:
    """The base form: "requests" -> "request", "stresses" -> "stress"."""
    if third_person.endswith(("sses", "shes", "ches", "xes")):
        return third_person[:-2]
    if third_person.endswith("ies"):
        return third_person[:-3] + "y"
    return third_person[:-1]


def _participle(third_person: str) -> str:
    """The participle: "requests" -> "requesting", "decides" -> "deciding"."""
    if third_person in _IRREGULAR_PARTICIPLES:
        return _IRREGULAR_PARTICIPLES[third_person]
    base = _base(third_person)
    if base.endswith("e") and not base.endswith("ee"):
        return base[:-1] + "ing"
    return base + "ing"


def _strength_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for strength, verbs in (
        (NONE, _NONE_VERBS),
        (EXPECTATION, _EXPECTATION_VERBS),
        (OBLIGATION, _OBLIGATION_VERBS),
    ):
        for verb in verbs.split():
            first, *rest = verb.split("_")
            table[" ".join([first, *rest])] = strength
            table[" ".join([_participle(first), *rest])] = strength
    return table


# Third-person forms and their participles ("requests", "requesting", "calls upon").
_STRENGTH = _strength_table()

# For the first word of each known verb, the number of words of its longest form ("calls" ->
# 2 for "calls upon"; "requests" -> 1): most words are ruled out, or settled, at once.
_LONGEST: dict[str, int] = {}
for _key in _STRENGTH:
    _first = _key.split()[0]
    _LONGEST[_first] = max(_LONGEST.get(_first, 0), len(_key.split()))

# Imperatives that open sub-paragraphs of a request ("(a) Strengthen ...").
_IMPERATIVES = frozenset(
    {_base(k.split()[0]) for k in _STRENGTH if not k.endswith("ing")}
    | set(
        _words(
            """
        strengthen develop encourage highlight continue ensure support assist provide promote
        monitor facilitate contribute help report establish conduct coordinate implement take
        use submit include integrate consider undertake advise protect maintain enhance build
        improve identify review prepare present inform share mobilize mobilise increase reduce
        prevent deter investigate verify observe supervise organize organise assess evaluate
        cooperate work seek pursue adopt apply collect gather disseminate deliver deploy train
        mentor reinforce foster engage liaise exercise keep give make allow enable carry set
        define address combat stabilize stabilise secure create expand extend uphold respect
        comply refrain cease withdraw release return designate appoint convene hold publish
        notify"""
        )
    )
)

_PREAMBULAR_OPENERS = frozenset(
    _words(
        """
        mindful aware conscious cognizant cognisant convinced concerned alarmed determined
    desirous deeply gravely seriously strongly further also guided encouraged pleased
    satisfied disturbed appalled shocked distressed dismayed outraged resolved committed fully
    profoundly anxious keen grieved indignant saddened troubled worried whereas reiterating
    noting having acting bearing taking expressing recalling reaffirming recognizing
    recognising welcoming stressing underlining emphasizing emphasising acknowledging
    affirming commending condemning deploring considering believing regretting underscoring
    paying saluting looking keeping wishing hoping determining observing highlighting
    reassured heartened firmly united resolute"""
    )
)
_NOT_PARTICIPLES = frozenset(
    _words(
        """
        during following regarding notwithstanding including according concerning something
    nothing anything everything morning evening bring thing king spring sing string"""
    )
)

# Adverbs before a verb ("Further requests", "Strongly condemns"): any word in -ly, and these.
_ADVERB_WORDS = frozenset(
    _words(
        """
        further also again furthermore moreover therefore hereby accordingly finally likewise
    equally thus now then once"""
    )
)
# Adverbs between a verb and its particle ("Calls also upon", "Calls once more on").
_INNER_ADVERBS = frozenset(
    _words("also further furthermore again once more strongly urgently therefore equally")
)
_COUNCIL_SUBJECT = re.compile(
    r"^(?:(?:and|now|therefore|further|also|accordingly)[,\s]+)*(?:the\s+)?Security\s+Council"
    r"(?:\s+of\s+the\s+United\s+Nations)?\s*,?\s*",
    re.IGNORECASE,
)
# Phrases that may come before the lead verb of an operative paragraph.
_LEADING_PHRASE = re.compile(
    r"^(?:Acting(?:\s+also)?\s+under\s+[^,;]{0,160},|In\s+this\s+(?:regard|context|connection),?"
    r"|In\s+particular,)\s*"
)
# "Having taken note of the report, authorizes ...", "Expressing concern at ..., taking note of
# ..., requests ...": participial phrases before the verb (but
# "Recognizing that youth ..., including ..." keeps its participle as the lead verb).
_PARTICIPIAL_LEAD = re.compile(
    r"[A-Z][a-z]+ing\b[^;:]{0,600}?,\s+(?=(?:further\s+|also\s+)?(?:"
    + "|".join(
        sorted(
            {k.split()[0] for k in _STRENGTH if not k.split()[0].endswith("ing")},
            key=len,
            reverse=True,
        )
    )
    + r")\b)"
)
_WORDS = re.compile(r"[A-Za-z][A-Za-z-]*")
_FIRST_WORD = re.compile(r"[^A-Za-z]{0,5}([A-Za-z][A-Za-z-]*)")


def _leading_words(text: str, start: int = 0) -> list[str]:
    """The first words of ``text`` from ``start`` (within 90 characters)."""
    return _WORDS.findall(text, start, start + 90)


def _strip_adverbs(words: list[str]) -> int:
    """How many leading adverbs to skip: "Further requests", "Also strongly urges"."""
    i = 0
    while i < len(words) - 1:
        word = words[i].lower()
        if word in _ADVERB_WORDS or (word.endswith("ly") and len(word) > 4 and word != "apply"):
            i += 1
            continue
        break
    return i


def _match_known(words: list[str], first: int = 0) -> int:
    """How many of ``words[first:]`` make the longest known verb (with its particle); 0 for
    none.

    Adverbs between a verb and its particle are skipped: "Calls also on", "Calls in particular
    upon" are "calls on"/"calls upon" (the count includes the skipped words).
    """
    longest = _LONGEST.get(words[first].lower(), 0) if first < len(words) else 0
    if longest <= 1:
        return longest
    lowered = [w.lower() for w in words[first : first + 8]]
    skipped = 0
    while len(lowered) > 2:
        if lowered[1] in _INNER_ADVERBS:
            del lowered[1]
            skipped += 1
        elif lowered[1] == "in" and lowered[2] == "particular" and len(lowered) > 3:
            del lowered[1:3]
            skipped += 2
        elif lowered[1:3] == ["in", "this"] and len(lowered) > 4:
            del lowered[1:4]  # "calls in this context upon"
            skipped += 3
        else:
            break
    for size in range(min(longest, len(lowered)), 0, -1):
        if " ".join(lowered[:size]) in _STRENGTH:
            return size + (skipped if size > 1 else 0)
    return 0


@functools.lru_cache(maxsize=1024)
def _canonical_cached(words: tuple[str, ...]) -> str:
    """:func:`_canonical`, remembered: the same few verbs come back all the time."""
    return _canonical(list(words))


def _canonical(words: list[str]) -> str:
    """The canonical spelling: "Calls also on" -> "Calls upon", "TAKES NOTE" -> "Takes note"."""
    kept = words[:1] + [w for w in words[1:] if w.lower() not in _INNER_ADVERBS]
    if len(kept) > 2 and kept[1].lower() == "in" and kept[2].lower() == "particular":
        del kept[1:3]
    if len(kept) > 3 and kept[1].lower() == "in" and kept[2].lower() == "this":
        del kept[1:4]
    if len(kept) == 2 and kept[0].lower() in ("calls", "calling") and kept[1].lower() == "on":
        kept[1] = "upon"
    first = kept[0][:1].upper() + kept[0][1:].lower()
    return " ".join([first, *(w.lower() for w in kept[1:])])


def lead_verb(text: str, kind: str, *, subparagraph: bool = False) -> str:
    """The canonical verb that opens a paragraph, or "" when none does.

    ``kind`` is "preambular" or "operative". Leading adverbs are dropped ("Further requests"
    -> "Requests"), "The Security Council requests" gives "Requests", "Calls on" gives
    "Calls upon", "Acting under Chapter VII of the Charter, authorizes" gives "Authorizes".
    Sub-paragraphs may open with an imperative ("Strengthen").
    """
    return lead_verb_span(text, kind, subparagraph=subparagraph)[0]


def lead_verb_span(text: str, kind: str, *, subparagraph: bool = False) -> tuple[str, int]:
    """Like :func:`lead_verb`, with the offset in ``text`` just after the verb (0 if none)."""
    subject = _COUNCIL_SUBJECT.match(text)
    start = subject.end() if subject else 0
    if kind == "operative":
        phrase = _LEADING_PHRASE.match(text, start) or _PARTICIPIAL_LEAD.match(text, start)
        if phrase:
            start = phrase.end()
    words = _leading_words(text, start)
    if not words:
        return "", 0
    first = 1 if subparagraph and words[0].lower() == "to" and len(words) > 1 else 0
    first += _strip_adverbs(words[first:])
    size = _match_known(words, first)
    if size:
        verb = _canonical_cached(tuple(words[first : first + size]))
        return verb, _end_of_word(text, start, first + size)
    word = words[first]
    lowered = word.lower()
    if subparagraph and lowered in _IMPERATIVES:
        return word[:1].upper() + word[1:].lower(), _end_of_word(text, start, first + 1)
    if kind == "preambular" and (
        lowered in _PREAMBULAR_OPENERS
        or (lowered.endswith("ing") and len(lowered) > 5 and lowered not in _NOT_PARTICIPLES)
    ):
        return word[:1].upper() + word[1:], _end_of_word(text, start, first + 1)
    return "", 0


def _end_of_word(text: str, start: int, count: int) -> int:
    """The offset just after the ``count``-th word of ``text`` from ``start``."""
    end = start
    for match in itertools.islice(_WORDS.finditer(text, start, start + 120), count):
        end = match.end()
    return end


_REMAIN_SEIZED = re.compile(
    r"^(?:\w+ly\s+|further\s+|also\s+)*decides\s+to\s+remain\s+(?:actively\s+)?seized",
    re.IGNORECASE,
)


def verb_strength(verb: str, text: str = "") -> str:
    """The strength of a canonical verb; ``text`` lets "Decides to remain seized" be none."""
    key = verb.lower()
    if key == "calls upon":
        key = "calls on"
    strength = _STRENGTH.get(key, NONE)
    if strength != NONE and text:
        # Drop a leading "The Security Council," (as _COUNCIL_SUBJECT.sub("", text, 1) would:
        # the pattern is anchored and never empty) without a regex substitution.
        subject = _COUNCIL_SUBJECT.match(text)
        if _REMAIN_SEIZED.match(text[subject.end() :] if subject else text):
            return NONE
    return strength


_DIRECTIVE = sorted(
    (k for k, v in _STRENGTH.items() if v != NONE and not k.split()[0].endswith("ing")),
    key=len,
    reverse=True,
)
_CLAUSE_VERB = re.compile(
    r"(?:[,;:]\s+|\s(?:and|but)\s+)(?:(?:in\s+this\s+(?:regard|context|connection)|therefore|"
    r"accordingly|further|also|again|once\s+again|strongly|urgently)\s*,?\s+)*"
    rf"({'|'.join(re.escape(v) for v in _DIRECTIVE)})\b"
)


@functools.lru_cache(maxsize=64)
def clause_verbs(text: str) -> list[tuple[str, int]]:
    """Directive verbs opening later clauses: (canonical verb, offset just after the verb)."""
    return [
        (_canonical_cached(tuple(m.group(1).split())), m.end(1))
        for m in _CLAUSE_VERB.finditer(text)
    ]


_ANY_VERB = sorted(
    (k for k in _STRENGTH if not k.split()[0].endswith("ing")), key=len, reverse=True
)
_CLAUSE_ANY = re.compile(
    r"(?:[,;:]\s+|\s(?:and|but)\s+)(?:(?:in\s+this\s+(?:regard|context|connection)|therefore|"
    r"accordingly|further|also|again|once\s+again|strongly|urgently|in\s+particular)\s*,?\s+)*"
    rf"({'|'.join(re.escape(v) for v in _ANY_VERB)})\b(?!-)"
)


@functools.lru_cache(maxsize=64)
def clause_openings(text: str) -> list[tuple[str, int]]:
    """The verbs, directive or not, that open later clauses (", and supports ...", "; requests
    ..."): (canonical verb, offset just after the verb), in order."""
    return [
        (_canonical_cached(tuple(m.group(1).split())), m.end(1)) for m in _CLAUSE_ANY.finditer(text)
    ]


def paragraph_strength(verb: str, text: str) -> str:
    """The strongest of the lead verb's strength and that of later directive clauses."""
    best = verb_strength(verb, text)
    for clause, _ in clause_verbs(text):
        best = strongest(best, verb_strength(clause))
    return best


def strongest(*strengths: str) -> str:
    """The strongest of several strengths."""
    return max(strengths, key=lambda s: _RANK.get(s, 0), default=NONE)


def is_preambular_opener(text: str) -> bool:
    """Does ``text`` open like a preambular paragraph ("Recalling", "Deeply concerned")?"""
    first = _FIRST_WORD.match(text)
    if not first or not first.group(1)[:1].isupper():
        return False
    lowered = first.group(1).lower()
    if lowered in _PREAMBULAR_OPENERS:
        return True
    return lowered.endswith("ing") and len(lowered) > 5 and lowered not in _NOT_PARTICIPLES


def is_operative_opener(text: str) -> bool:
    """Does ``text`` open with a third-person operative verb ("Requests", "Further decides")?

    "The Security Council requests" counts too; a participle ("Requesting") does not.
    """
    first_word = _FIRST_WORD.match(text)
    if not first_word:
        return False
    word = first_word.group(1).lower()
    if (
        word not in _LONGEST
        and word not in _ADVERB_WORDS
        and word != "the"
        and (not word.endswith("ly"))
    ):
        return False  # settles most text at once
    subject = _COUNCIL_SUBJECT.match(text)
    if not subject and not text[:1].isupper():
        return False
    words = _leading_words(text, subject.end() if subject else 0)
    if not words:
        return False
    first = _strip_adverbs(words)
    return bool(_match_known(words, first)) and not words[first].lower().endswith("ing")


def is_known_opener(text: str) -> bool:
    """Does ``text`` open with a known verb or preambular opener (not merely a word in -ing)?"""
    words = _leading_words(text)
    if not words or not words[0][:1].isupper():
        return False
    if words[0].lower() in _PREAMBULAR_OPENERS:
        return True
    return bool(_match_known(words, _strip_adverbs(words)))
