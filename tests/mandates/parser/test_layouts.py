"""The layouts users' texts come in: PDF extractions, web copies, markdown, press releases."""

from __future__ import annotations

import datetime

import pytest

from mandates.documents.parser import ParsedDocument, parse_bytes, parse_text
from tests.mandates.parser.test_corpus import CORPUS

HEAD = "The Security Council,\n"


def _texts(document: ParsedDocument) -> tuple[list[str], list[tuple[int | None, str]]]:
    return (
        [p.text for p in document.preambular],
        [(p.number, p.text) for p in document.operative],
    )


def test_draft_pdf_page_furniture_is_removed() -> None:
    text = (
        "Etpu\n\n United Nations S/2014/302\n\n"
        "Security Council Distr.: General\n28 April 2014\n\nOriginal: English\n\n"
        "14-31379 (E)    280414\n*1431379*\n"
        "Argentina, Australia and Austria: draft resolution\n"
        " The Security Council,\n"
        " Recalling its resolutions 2151 (2014) and 2282 (2016) on security sector\n"
        "reform, and the statements\n"
        "http://undocs.org/S/PRST/2007/3\n"
        "S/2014/302\n"
        "2/6 14-31379\n"
        "by its President,\n"
        " 1. Requests the Secretary-General to report on the United\n"
        "S/2014/302\n"
        "14-31379 4/6\n"
        "Nations approach;\n"
        " 2. Decides to remain seized of the matter.\n"
    )
    document = parse_text(text)
    preambular, operative = _texts(document)
    assert preambular == [
        "Recalling its resolutions 2151 (2014) and 2282 (2016) on security sector reform, "
        "and the statements by its President,"
    ]
    assert operative == [
        (1, "Requests the Secretary-General to report on the United Nations approach;"),
        (2, "Decides to remain seized of the matter."),
    ]
    assert document.symbol == "S/2014/302"
    assert document.date == datetime.date(2014, 4, 28)


def test_resolution_pdf_page_furniture_is_removed() -> None:
    text = (
        "United Nations\nSecurity Council\n\nS/RES/2100 (2013)\nDistr.: General 25 April 2013"
        "\n\nResolution 2100 (2013)\n"
        "Adopted by the Security Council at its 6952nd meeting, on 25 April 2013\n"
        "The Security Council,\nReaffirming its strong commitment to the sovereignty of Mali,\n"
        "13-31417 (E)\n*1331417*\n\n\fS/RES/2100 (2013)\n"
        "1. Requests the Secretary-General to support all dimensions of the transitional\n"
        "2 13-31417\n\n\fS/RES/2100 (2013)\n"
        "road map;\n"
        "2. Decides to remain actively seized of the matter.\n"
        "14-31391\n2/10\n"
    )
    document = parse_text(text)
    preambular, operative = _texts(document)
    assert preambular == ["Reaffirming its strong commitment to the sovereignty of Mali,"]
    assert operative == [
        (1, "Requests the Secretary-General to support all dimensions of the transitional "
            "road map;"),
        (2, "Decides to remain actively seized of the matter."),
    ]  # fmt: skip
    assert document.symbol == "S/RES/2100 (2013)"
    assert document.date == datetime.date(2013, 4, 25)


def test_page_numbers_next_to_page_breaks_are_not_paragraph_numbers() -> None:
    text = (
        f"{HEAD}Noting the report,\n1. Welcomes the report;\n2. Requests the Secretary-"
        "General to report\n5\n\f S/RES/1296 (2000)\nevery three months;\n"
        "3. Decides to remain seized of the matter.\n"
    )
    _, operative = _texts(parse_text(text))
    assert [number for number, _ in operative] == [1, 2, 3]
    assert operative[1][1] == "Requests the Secretary-General to report every three months;"


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        ("the Charter of the United Na tions for", "the Charter of the United Nations for"),
        ("important for co nflict prevention", "important for conflict prevention"),
        ("addressing imp unity for violations", "addressing impunity for violations"),
        ("played in support ing national efforts", "played in supporting national efforts"),
        ("as well as longterm rehabilitation", "as well as long-term rehabilitation"),
        ("addressed to the SecretaryGeneral by", "addressed to the Secretary-General by"),
        ("a time frame for the return", "a time frame for the return"),  # two real words
        ("Iyad Ag Ghali and Ansar Eddine", "Iyad Ag Ghali and Ansar Eddine"),  # names stay
    ],
)
def test_words_split_by_stray_spaces_are_rejoined(broken: str, repaired: str) -> None:
    document = parse_text(f"{HEAD}1. Notes {broken};\n")
    assert document.operative[0].text == f"Notes {repaired};"


@pytest.mark.parametrize(
    ("first", "second", "joined"),
    [
        ("as well as long-", "term rehabilitation", "as well as long-term rehabilitation"),
        ("takes note of the recom-", "mendation of the Secretary-General",
         "takes note of the recommendation of the Secretary-General"),
        ("report of the Secretary-", "General on the matter",
         "report of the Secretary-General on the matter"),
        ("must be gender-", "sensitive throughout", "must be gender-sensitive throughout"),
    ],
)  # fmt: skip
def test_hyphens_at_line_ends(first: str, second: str, joined: str) -> None:
    document = parse_text(f"{HEAD}1. Notes that it {first}\n{second};\n")
    assert document.operative[0].text == f"Notes that it {joined};"


def test_paragraph_broken_across_lines_and_blank_lines() -> None:
    text = (
        f"{HEAD}\n*Recalling* the sovereign right of the country concerned and encouraging\n\n\n"
        "the involvement of all stakeholders,\n\n"
        "1. *Recognizes* that security sector reform needs to be in support of the\n\n"
        "rule of law;\n\n2. *Decides* to remain seized of the matter.\n"
    )
    preambular, operative = _texts(parse_text(text))
    assert preambular == [
        "Recalling the sovereign right of the country concerned and encouraging the "
        "involvement of all stakeholders,"
    ]
    assert operative[0] == (
        1,
        "Recognizes that security sector reform needs to be in support of the rule of law;",
    )


def test_number_alone_on_its_line_before_the_text() -> None:
    text = f"{HEAD}Noting the report,\n1.\nWelcomes the report;\n2.\nRequests a briefing;\n"
    _, operative = _texts(parse_text(text))
    assert operative == [(1, "Welcomes the report;"), (2, "Requests a briefing;")]


def test_number_alone_on_its_line_after_the_text() -> None:
    text = f"{HEAD}Noting the report,\nWelcomes the report;\n1.\nRequests a briefing;\n2.\n"
    preambular, operative = _texts(parse_text(text))
    assert preambular == ["Noting the report,"]
    assert operative == [(1, "Welcomes the report;"), (2, "Requests a briefing;")]


def test_one_paragraph_per_line_with_crlf() -> None:
    text = (
        "Resolution 2553 (2020)\r\nAdopted by the Security Council on 3 December 2020\r\n"
        "The Security Council,\r\nReaffirming its primary responsibility,\r\n"
        "Recognizes the role of peacekeeping operations,\r\n"
        "1. Reaffirms the importance of security sector reform;\r\n"
        "2. Decides to remain actively seized of the matter.\r\n"
    )
    document = parse_text(text)
    preambular, operative = _texts(document)
    assert preambular == [
        "Reaffirming its primary responsibility,",
        "Recognizes the role of peacekeeping operations,",
    ]
    assert [n for n, _ in operative] == [1, 2]
    assert document.symbol == "S/RES/2553 (2020)"
    assert document.date == datetime.date(2020, 12, 3)


def test_markdown_emphasis_links_and_escapes() -> None:
    text = (
        "# Security Council\n\n*The Security Council,*\n\n"
        "*Recalling* its resolutions [2151 \\(2014\\)](#) and the statement of its President "
        "([S/PRST/2007/3](#)),\n\n"
        "1. *Further requests* the Secretary-General to report;\n\n"
        "2. **Decides** to remain actively seized of the matter. [^]\n"
    )
    document = parse_text(text)
    preambular, operative = _texts(document)
    assert preambular == [
        "Recalling its resolutions 2151 (2014) and the statement of its President (S/PRST/2007/3),"
    ]
    assert operative == [
        (1, "Further requests the Secretary-General to report;"),
        (2, "Decides to remain actively seized of the matter."),
    ]
    assert document.operative[0].verb == "Requests"


def test_press_release_quoting() -> None:
    text = (
        "The full text of resolution 2553 (2020) reads as follows:\n"
        '"The Security Council,\n'
        '"Reaffirming its primary responsibility,\n'
        '"1.  Requests the Secretary-General to report in September 2021;\n'
        '"2.  Decides to remain actively seized of the matter."\n'
    )
    document = parse_text(text)
    preambular, operative = _texts(document)
    assert preambular == ["Reaffirming its primary responsibility,"]
    assert operative == [
        (1, "Requests the Secretary-General to report in September 2021;"),
        (2, "Decides to remain actively seized of the matter."),
    ]
    assert document.symbol == "S/RES/2553 (2020)"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_encodings(encoding: str) -> None:
    text = (
        "The Security Council,\nWelcoming the elections in Côte d’Ivoire,\n"
        "1. Requests the Secretary-General to report on UNOCI’s mandate;\n"
    )
    if encoding == "latin-1":
        text = text.replace("’", "'")
    document = parse_bytes(text.encode(encoding))
    assert document.preambular[0].text.startswith("Welcoming the elections in Côte d")
    assert "UNOCI" in document.operative[0].text


def test_acting_under_chapter_vii_is_the_last_preambular_paragraph() -> None:
    text = (
        f"{HEAD}Determining that the situation constitutes a threat to peace,\n"
        "Acting under Chapter VII of the Charter of the United Nations,\n"
        "1. Decides that all States shall take the necessary measures;\n"
    )
    preambular, operative = _texts(parse_text(text))
    assert preambular[-1] == "Acting under Chapter VII of the Charter of the United Nations,"
    assert [n for n, _ in operative] == [1]


def test_acting_under_chapter_vii_in_a_wrapped_text() -> None:
    text = (
        f"{HEAD} Determining that the situation in Mali constitutes a threat to\n"
        "international peace and security,\n"
        " Acting under Chapter VII of the Charter of the United Nations,\n"
        " 1. Decides to extend the mandate;\n"
    )
    preambular, _ = _texts(parse_text(text))
    assert len(preambular) == 2
    assert preambular[1].startswith("Acting under Chapter VII")


def test_preamble_may_use_present_tense_and_operative_may_use_participles() -> None:
    text = (
        f"{HEAD}Recalling its resolutions,\nRecognizes the role of missions,\n"
        "1. Reaffirms the importance of reform;\n"
        "2. Recognizing that youth should be engaged;\n"
        "3. Encouraging missions to continue to play a role;\n"
    )
    document = parse_text(text)
    assert [p.verb for p in document.preambular] == ["Recalling", "Recognizes"]
    assert [p.verb for p in document.operative] == ["Reaffirms", "Recognizing", "Encouraging"]


def test_lettered_and_nested_subparagraphs() -> None:
    text = (
        f"{HEAD}1. Decides that the mandate of MINUSMA shall be the following:\n"
        "(a) Stabilization of key population centres\n"
        "(i) To deter threats;\n"
        "(ii) To assist the authorities;\n"
        "(b) Support for the implementation of the road map:\n"
        "(i) To support the national dialogue;\n"
        "(c) Protection of civilians;\n"
        "2. Decides to remain seized of the matter.\n"
    )
    document = parse_text(text)
    first = document.operative[0]
    assert first.text == "Decides that the mandate of MINUSMA shall be the following:"
    assert [s.label for s in first.subparagraphs] == ["a", "b", "c"]
    assert [s.label for s in first.subparagraphs[0].subparagraphs] == ["i", "ii"]
    assert first.subparagraphs[0].subparagraphs[1].text == "To assist the authorities;"
    assert [s.label for s in first.subparagraphs[1].subparagraphs] == ["i"]
    assert first.subparagraphs[2].subparagraphs == []


def test_i_after_h_is_the_letter() -> None:
    items = "".join(f"({letter}) Task {letter};\n" for letter in "abcdefghij")
    document = parse_text(f"{HEAD}1. Requests the Secretary-General to:\n{items}")
    assert [s.label for s in document.operative[0].subparagraphs] == list("abcdefghij")


def test_roman_subparagraphs_and_dotted_letters() -> None:
    text = (
        f"{HEAD}1. Affirms the following principles:\n(i) Withdrawal of armed forces;\n"
        "(ii) Termination of all claims;\n2. Requests the following:\n"
        "a. Strengthen the approach;\nb. Develop guidance;\n"
    )
    document = parse_text(text)
    assert [s.label for s in document.operative[0].subparagraphs] == ["i", "ii"]
    assert [s.label for s in document.operative[1].subparagraphs] == ["a", "b"]
    assert document.operative[1].subparagraphs[0].text == "Strengthen the approach;"


def test_enumerations_inside_a_sentence_stay_in_the_text() -> None:
    text = (
        f"{HEAD}1. Decides that the measures include (i) an arms embargo and (ii) a travel\n"
        "(iii) ban, and (a) the freezing of assets;\n"
    )
    paragraph = parse_text(text).operative[0]
    assert paragraph.subparagraphs == []
    assert "(ii) a travel (iii) ban, and (a) the freezing" in paragraph.text


def test_headings_between_paragraphs_are_dropped() -> None:
    text = (
        f"{HEAD}1. Decides to extend the mandate;\nProtection of civilians\n"
        "2. Requests MINUSMA to protect civilians;\n"
        "IV. United Nations experience in supporting security\nsector reform\n"
        "3. Decides to remain seized of the matter.\n"
    )
    _, operative = _texts(parse_text(text))
    assert operative == [
        (1, "Decides to extend the mandate;"),
        (2, "Requests MINUSMA to protect civilians;"),
        (3, "Decides to remain seized of the matter."),
    ]


def test_heading_run_together_with_a_paragraph() -> None:
    text = f"{HEAD}1. Decides to extend the mandate;\nCoordination 2. Reiterates the need;\n"
    _, operative = _texts(parse_text(text))
    assert operative == [(1, "Decides to extend the mandate;"), (2, "Reiterates the need;")]


def test_footnote_block_is_skipped() -> None:
    text = (
        f"{HEAD}1. Notes that the security sector includes defence and institutions\n"
        "__________________\n"
        " 1  Studies by UNDP estimate the cost of violence. Oxfam\n"
        "International estimates the cost.\n"
        " 2  Paul Collier, Post-Conflict Risks (2006).\n"
        " responsible for border management;\n"
        "2. Decides to remain seized of the matter.\n"
    )
    _, operative = _texts(parse_text(text))
    assert operative[0] == (
        1,
        "Notes that the security sector includes defence and institutions responsible for "
        "border management;",
    )


def test_several_paragraphs_on_one_line() -> None:
    text = (
        "RESOLUTION 379 (1975)  Adopted by the Security Council at its 1850th meeting, on 2 "
        "November 1975  The Security Council,  Having considered the report of the "
        "Secretary-General,  Reaffirming its resolution 377 (1975),  \n"
        "1. Urges all the parties to avoid any unilateral action;  \n"
        "2. Requests the Secretary-General to report; 3. Decides to remain seized of it.\n"
    )
    document = parse_text(text)
    preambular, operative = _texts(document)
    assert preambular == [
        "Having considered the report of the Secretary-General,",
        "Reaffirming its resolution 377 (1975),",
    ]
    assert [n for n, _ in operative] == [1, 2, 3]
    assert document.symbol == "S/RES/379 (1975)"
    assert document.date == datetime.date(1975, 11, 2)


def test_old_resolution_without_numbers() -> None:
    text = (
        "Resolution 10 (1946) of 4 November 1946\n"
        "The Security Council\n"
        "Resolves that the situation in Spain be taken off the list of matters;\n"
        "Requests the Secretary-General to notify the General Assembly of this decision.\n"
        "Adopted unanimously at the 79th meeting.\n"
        "1 Ibid., document S/3122.\n"
    )
    document = parse_text(text)
    assert document.preambular == []
    assert [(p.number, p.verb) for p in document.operative] == [
        (None, "Resolves"),
        (None, "Requests"),
    ]
    assert document.operative[1].addressees == ["Secretary-General"]
    assert document.date == datetime.date(1946, 11, 4)


def test_old_resolution_in_a_single_sentence() -> None:
    text = (
        "Resolution 112 (1956) of 6 February 1956\n"
        "The Security Council,\n"
        "Having examined the application of the Sudan,(14) Recommends to the General Assembly "
        "that the Sudan be admitted to membership in the United Nations.\n"
    )
    document = parse_text(text)
    assert [p.text for p in document.preambular] == [
        "Having examined the application of the Sudan,"
    ]
    assert [p.verb for p in document.operative] == ["Recommends"]


def test_multi_part_resolution_keeps_its_part_preambles() -> None:
    text = (
        f"{HEAD}Reaffirming its resolutions,\nA\n1. Demands that UNITA comply;\n"
        "2. Demands also that UNITA act;\nB\n"
        "Determining that the situation constitutes a threat,\n"
        "Acting under Chapter VII of the Charter of the United Nations,\n"
        "3. Decides that all States shall take the necessary measures;\n"
    )
    document = parse_text(text)
    assert [p.number for p in document.operative] == [1, 2, 3]
    assert len(document.preambular) == 3
    assert document.operative[1].text == "Demands also that UNITA act;"


def test_title_only_when_the_text_names_one() -> None:
    with_title = parse_text(
        "S/RES/2553 (2020)\nResolution 2553 (2020)\nSecurity sector reform\n"
        "The Security Council,\n1. Decides to remain seized of the matter.\n"
    )
    without = parse_text(
        "S/RES/2553 (2020)\nResolution 2553 (2020)\nThe Security Council,\n"
        "1. Decides to remain seized of the matter.\n"
    )
    assert with_title.title == "Security sector reform"
    assert without.title is None


def test_adoption_date_wins_over_document_date() -> None:
    document = parse_text(
        "S/RES/2151 (2014)\nDistr.: General 29 April 2014\nResolution 2151 (2014)\n"
        "Adopted by the Security Council at its 7161st meeting, on 28 April 2014\n"
        "The Security Council,\n1. Decides to remain seized of the matter.\n"
    )
    assert document.date == datetime.date(2014, 4, 28)


def test_lettered_items_in_a_preambular_paragraph_stay_in_its_text() -> None:
    document = parse_text(
        f"{HEAD}Recalling the following principles:\n(a) Sovereignty;\n(b) Consent;\n"
        "1. Decides to remain seized of the matter.\n"
    )
    assert [p.text for p in document.preambular] == [
        "Recalling the following principles: (a) Sovereignty; (b) Consent;"
    ]


def test_lettered_preambular_paragraphs() -> None:
    document = parse_text(
        f"{HEAD}a. Recalling its previous resolutions,\nb. Welcoming the report,\n"
        "l. Reiterating its appreciation,\n1. Decides to extend the mandate;\n"
    )
    assert [p.verb for p in document.preambular] == ["Recalling", "Welcoming", "Reiterating"]
    assert [p.number for p in document.operative] == [1]


def test_ocr_l_for_one_and_numbers_without_full_stop() -> None:
    document = parse_text(
        f"{HEAD}l. Reaffirms its resolutions;\n2. Calls upon all States to comply;\n"
        "3 Further underlines the requirement for restraint;\n4. Decides to remain seized.\n"
    )
    assert [p.number for p in document.operative] == [1, 2, 3, 4]


def test_quoted_numbered_text_stays_in_its_paragraph() -> None:
    document = parse_text(
        f"{HEAD}1. Reaffirms its resolution 425 (1978), which reads:\n"
        "1. Calls for strict respect for the territorial integrity of Lebanon;\n"
        "2. Calls upon Israel immediately to cease its military action;\n"
        "2. Decides to approve the immediate increase in the strength of UNIFIL;\n"
    )
    assert [p.number for p in document.operative] == [1, 2]
    assert document.operative[0].text.endswith("to cease its military action;")


def test_a_page_number_and_a_heading_between_sub_paragraphs_are_dropped() -> None:
    document = parse_text(
        HEAD + "1. Decides that the Mission shall have the following mandate:\n"
        "(a) Ensure the protection of civilians;\n\n4\n\n"
        "(b) Protect United Nations personnel;\n\n5\n\nStabilization and peace consolidation\n"
        "(c) Support the reform of the police;\n"
    )
    subs = document.operative[0].subparagraphs
    assert [s.text for s in subs] == [
        "Ensure the protection of civilians;",
        "Protect United Nations personnel;",
        "Support the reform of the police;",
    ]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the resolution corpus is not at {CORPUS}")
def test_a_page_number_and_a_heading_in_a_real_resolution_are_dropped() -> None:
    path = next(CORPUS.glob("S-RES-1925-*.txt"))
    paragraph = next(p for p in parse_bytes(path.read_bytes()).operative if p.number == 12)
    subs = {s.label: s.text for s in paragraph.subparagraphs}
    assert subs["a"].endswith("engaged in the conflict;")
    assert subs["k"].endswith("the need to protect civilians;")


# --- PDF and DOCX extractions (see also tests/mandates/test_formats_layout.py) ----------------


@pytest.mark.parametrize(
    "second",
    [
        "2.\nreport on the police;",  # the number alone after the first line
        "2. report on the police;",  # the number before the rest of the first line
        "2. United Nations police;",  # ... which opens with a capital
    ],
)
def test_a_number_extracted_after_its_paragraphs_first_line_is_put_back(second: str) -> None:
    rest = second.split("\n")[1] if "\n" in second else second[3:]
    text = (
        f"{HEAD}Noting the report,\n1. Welcomes the report;\n"
        f"Requests the Secretary-General to submit a\n{second}\n3. Decides to remain seized.\n"
    )
    _, operative = _texts(parse_text(text))
    assert operative == [
        (1, "Welcomes the report;"),
        (2, f"Requests the Secretary-General to submit a {rest}"),
        (3, "Decides to remain seized."),
    ]


def test_a_wrapped_reference_to_a_paragraph_stays_text() -> None:
    text = (
        f"{HEAD}Noting the report,\n1. Welcomes the report;\n"
        "Requests the Secretary-General to implement paragraph\n2. above;\n"
    )
    _, operative = _texts(parse_text(text))
    assert operative == [
        (1, "Welcomes the report; Requests the Secretary-General to implement paragraph 2. above;")
    ]


def test_labels_written_a_dot_before_a_lower_case_word_are_subparagraphs() -> None:
    text = (
        f"{HEAD}Noting the report,\n1. Decides that the mission shall:\n"
        "a. support the police;\nb. monitor the borders;\n2. Decides to remain seized.\n"
    )
    (first, _) = parse_text(text).operative
    assert [(sub.label, sub.text) for sub in first.subparagraphs] == [
        ("a", "support the police;"),
        ("b", "monitor the borders;"),
    ]


def test_a_line_starting_with_a_letter_and_a_full_stop_out_of_sequence_is_text() -> None:
    text = f"{HEAD}Noting the report,\n1. Welcomes the work of the\nc. and other bodies;\n"
    _, operative = _texts(parse_text(text))
    assert operative == [(1, "Welcomes the work of the c. and other bodies;")]


def test_a_quoted_title_wrapped_after_its_colon_goes_on() -> None:
    text = (
        f'{HEAD}Taking note of the report on "Preventive Diplomacy:\n'
        'Delivering Results" (S/2011/552),\n1. Decides to remain seized.\n'
    )
    preambular, _ = _texts(parse_text(text))
    assert preambular == [
        'Taking note of the report on "Preventive Diplomacy: Delivering Results" (S/2011/552),'
    ]


def test_a_footnote_mark_after_an_acronym_and_a_comma_is_removed() -> None:
    text = f"{HEAD}Welcoming the agreement with the Palipehutu-FNL,1 and the report,\n1. Decides.\n"
    preambular, _ = _texts(parse_text(text))
    assert preambular == ["Welcoming the agreement with the Palipehutu-FNL, and the report,"]
