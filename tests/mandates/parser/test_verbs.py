"""Lead verbs are canonicalised; strength follows the verbs that ask something."""

from __future__ import annotations

import pytest

from mandates.documents.parser import parse_bytes, parse_text
from mandates.documents.parser.verbs import lead_verb, paragraph_strength
from tests.mandates.parser.test_corpus import CORPUS


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("Requests the Secretary-General to report;", "Requests"),
        ("Further requests the Secretary-General to report;", "Requests"),
        ("Also requests the Secretary-General to report;", "Requests"),
        ("Requests further the Secretary-General to report;", "Requests"),
        ("Again calls upon all parties to cease hostilities;", "Calls upon"),
        ("Calls on all parties to cease hostilities;", "Calls upon"),
        ("Calls also upon all parties to cease hostilities;", "Calls upon"),
        ("Calls in particular upon all parties to cease hostilities;", "Calls upon"),
        ("Strongly condemns all attacks;", "Condemns"),
        ("Once again urges the parties to negotiate;", "Urges"),
        ("Takes note of the report;", "Takes note"),
        ("Calls for an immediate ceasefire;", "Calls for"),
        ("The Security Council requests the permanent members to meet;", "Requests"),
        ("Acting under Chapter VII of the Charter, authorizes Member States;", "Authorizes"),
        ("In this context demands that all parties abstain;", "Demands"),
        ("Having taken note of the report, authorizes an increase of personnel;", "Authorizes"),
        # several participial phrases, one of them a verb that also has a third-person form
        (
            "Expressing grave concern at the allegations of sexual exploitation and violence by "
            "civilian and military personnel of the Mission, taking note of the measures taken "
            "by the Mission to address instances of sexual exploitation and abuse and of the zero "
            "tolerance policy reiterated by the Secretary-General during his recent visit to the "
            "country, requests the Secretary-General to continue to investigate;",
            "Requests",
        ),
        ("Recognizing that youth should be engaged;", "Recognizing"),
        ("The present report is submitted in response to those requests.", ""),
        ("Ensuring international peace and security remains a challenge.", ""),
    ],
)
def test_operative_lead_verb(text: str, verb: str) -> None:
    assert lead_verb(text, "operative") == verb


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("Recalling its resolutions,", "Recalling"),
        ("Further recalling its resolutions,", "Recalling"),
        ("Expressing concern at the range of challenges,", "Expressing"),
        ("Reiterating the need for a comprehensive approach,", "Reiterating"),
        ("Recognizes the role of United Nations peacekeeping operations,", "Recognizes"),
        ("Mindful of its primary responsibility,", "Mindful"),
        ("Deeply concerned by the situation,", "Concerned"),
        ("Bearing in mind the Charter,", "Bearing in mind"),
        ("In the exercise of its primary responsibility,", ""),
    ],
)
def test_preambular_lead_verb(text: str, verb: str) -> None:
    assert lead_verb(text, "preambular") == verb


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("Strengthen the comprehensive approach;", "Strengthen"),
        ("Highlight in his regular reports updates on progress;", "Highlight"),
        ("Encourages, in the context of all phases, the timely support;", "Encourages"),
        ("To monitor the ceasefire;", "Monitor"),
        ("Stabilization of key population centres", ""),
    ],
)
def test_subparagraph_lead_verb(text: str, verb: str) -> None:
    assert lead_verb(text, "operative", subparagraph=True) == verb


@pytest.mark.parametrize(
    ("text", "strength"),
    [
        ("Decides to extend the mandate of UNMISS;", "obligation"),
        ("Requests the Secretary-General to report;", "obligation"),
        ("Demands that all parties cease hostilities;", "obligation"),
        ("Directs the Committee to report;", "obligation"),
        ("Authorizes Member States to take all necessary measures;", "obligation"),
        ("Further requests the Secretary-General to report;", "obligation"),
        ("Encourages Member States to provide support;", "expectation"),
        ("Urges all parties to negotiate;", "expectation"),
        ("Calls upon all parties to negotiate;", "expectation"),
        ("Invites the Peacebuilding Commission to advise;", "expectation"),
        ("Recommends to the General Assembly that Oman be admitted;", "expectation"),
        ("Appeals to all States to contribute;", "expectation"),
        ("Reaffirms the importance of security sector reform;", "none"),
        ("Recognizes the need for governance;", "none"),
        ("Notes the important role of police;", "none"),
        ("Takes note of the report;", "none"),
        ("Stresses the importance of reform;", "none"),
        ("Underlines the importance of partnerships;", "none"),
        ("Welcomes the report;", "none"),
        ("Expresses its concern;", "none"),
        ("Condemns all attacks;", "none"),
        ("Commends the efforts;", "none"),
        ("Resolves to continue to include security sector reform aspects;", "none"),
        ("Decides to remain actively seized of the matter.", "none"),
        ("Also decides to remain seized of the matter.", "none"),
        ("Encouraging missions to continue to play a role;", "expectation"),
    ],
)
def test_strength_of_lead_verb(text: str, strength: str) -> None:
    assert paragraph_strength(lead_verb(text, "operative"), text) == strength


@pytest.mark.parametrize(
    ("text", "strength"),
    [
        (
            "Resolves to continue to promote the role of the Secretariat, and requests the "
            "Secretary-General to consider the following:",
            "obligation",
        ),
        (
            "Reaffirms that women's participation matters; and in this regard, encourages "
            "Member States to develop strategies;",
            "expectation",
        ),
        (
            "Encourages Member States to lead, and acknowledges the important role of the "
            "Peacebuilding Commission;",
            "expectation",
        ),
        ("Welcomes the report, which requests more resources;", "none"),
    ],
)
def test_strength_of_later_clauses(text: str, strength: str) -> None:
    assert paragraph_strength(lead_verb(text, "operative"), text) == strength


def test_subparagraphs_inherit_the_parents_strength() -> None:
    document = parse_text(
        "The Security Council,\n1. Resolves to continue, and requests the Secretary-General "
        "to consider:\n(a) Strengthen the approach;\n(b) Develop guidance;\n"
    )
    paragraph = document.operative[0]
    assert paragraph.verb == "Resolves"
    assert paragraph.strength == "obligation"
    assert [s.strength for s in paragraph.subparagraphs] == ["obligation", "obligation"]
    assert [s.verb for s in paragraph.subparagraphs] == ["Strengthen", "Develop"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the resolution corpus is not at {CORPUS}")
def test_lead_verb_after_participial_phrases_in_a_real_resolution() -> None:
    path = next(CORPUS.glob("S-RES-1756-*.txt"))
    paragraph = next(p for p in parse_bytes(path.read_bytes()).operative if p.number == 22)
    assert paragraph.verb == "Requests"
    assert paragraph.addressees[0] == "Secretary-General"
