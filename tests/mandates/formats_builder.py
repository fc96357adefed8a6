"""Build PDF and DOCX files of a resolution in the United Nations layout, for tests.

No real United Nations PDF or Word file can be downloaded where the tests run, so these files
are drawn from a parsed resolution (the text parse of a corpus file or a seed) the way the
Organization's files look, with what makes them hard to read:

* PDF (fpdf2): the masthead on the first page; a running header with the symbol
  ("S/RES/2185 (2014)") and a footer with the job number and "5/10" on every other page; page
  breaks wherever the text reaches the bottom margin, so inside paragraphs; paragraph numbers
  in the left margin, drawn after the paragraph's first line in some paragraphs (so the
  extraction gives them on the line after it); letter labels written "a." or "(a)"; footnote
  marks glued to the punctuation and footnotes at the bottom of the page under a rule.
* DOCX (python-docx): the operative paragraphs and their lettered sub-paragraphs numbered by
  Word's automatic list numbering (numbering properties, not typed numbers), "a." or "(a)";
  the symbol in the page header and the page number in the footer; a footnote mark in a
  superscript run and the notes at the end under a rule.

Which paragraphs get which layout is drawn from ``random.Random(seed)``, so a file is the same
each time it is built.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from mandates.documents.parser import ParsedDocument, ParsedParagraph

_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# Typographic characters a core PDF font (Latin-1) lacks, for machines without the font above.
_PLAIN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})

NOTE = "See S/2014/111 and the statement of its President of 21 February 2014 (S/PRST/2014/5)."


def _masthead(document: ParsedDocument) -> list[str]:
    assert document.symbol
    assert document.date
    number, year = document.symbol.removeprefix("S/RES/").split(" ")
    when = f"{document.date.day} {document.date:%B %Y}"
    return [
        "United Nations",
        "Security Council",
        document.symbol,
        f"Distr.: General {when}",
        f"Resolution {number} {year}",
        f"Adopted by the Security Council at its 7317th meeting, on {when}",
        "The Security Council,",
    ]


def _label(label: str, dotted: bool) -> str:
    return f"{label}." if dotted else f"({label})"


# --- PDF -------------------------------------------------------------------------------------


class _Pdf:
    """Line-by-line layout on A4 pages, with running header, footer and footnotes."""

    LEFT = 25.0
    INDENT = 10.0
    WIDTH = 160.0
    TOP = 30.0
    BOTTOM = 255.0
    LINE = 5.5

    def __init__(self, document: ParsedDocument, rng: random.Random, pages: int) -> None:
        from fpdf import FPDF

        self.symbol = document.symbol or ""
        self.rng = rng
        self.pdf = FPDF(format="A4", unit="mm")
        self.pdf.set_auto_page_break(False)
        self.pages = pages  # the number of pages, known from a first layout (0 the first time)
        self.marks = 0
        if (_FONT_DIR / "DejaVuSerif.ttf").is_file():
            self.pdf.add_font("serif", "", str(_FONT_DIR / "DejaVuSerif.ttf"))
            self.font = "serif"
            self.plain = False
        else:
            self.font = "Times"
            self.plain = True
        self.notes: list[int] = []
        self.y = self.TOP
        self.pdf.add_page()
        self.pdf.set_font(self.font, size=10)

    def text(self, value: str) -> str:
        return value.translate(_PLAIN) if self.plain else value

    def _split(self, value: str, width: float) -> list[str]:
        lines = self.pdf.multi_cell(
            width, self.LINE, self.text(value), dry_run=True, output="LINES"
        )
        assert isinstance(lines, list)  # what output="LINES" returns
        return [str(line) for line in lines]

    def _end_page(self) -> None:
        """Footnotes under a rule, the footer, then a new page under the running header."""
        pdf = self.pdf
        pdf.set_font(self.font, size=8)
        if self.notes:
            y = self.BOTTOM + 4
            pdf.text(self.LEFT, y, "__________________")
            for number in self.notes:
                y += 4
                pdf.text(self.LEFT, y, f"{number} {self.text(NOTE)}")
            self.notes = []
        self._footer()
        pdf.add_page()
        pdf.text(self.LEFT + 120, 15, self.symbol)
        pdf.set_font(self.font, size=10)
        self.y = self.TOP

    def line(self, x: float, value: str) -> None:
        if self.y > self.BOTTOM - (8 if self.notes else 0):
            self._end_page()
        self.pdf.text(x, self.y, value)
        self.y += self.LINE

    def gap(self) -> None:
        self.y += self.LINE / 2

    def paragraph(
        self, value: str, *, mark: str = "", indent: float = 0.0, late_mark: bool = False
    ) -> None:
        """A paragraph with ``mark`` ("7.", "(a)") in the margin before it; the mark is drawn
        after the first line in some paragraphs, as some extractions then read it."""
        x = self.LEFT + indent
        lines = self._split(value, self.WIDTH - indent)
        late = late_mark and len(lines) > 1 and self.rng.random() < 0.5
        if mark and not late:
            lines[0] = f"{mark} {lines[0]}"
            x_first = x - self.INDENT
        else:
            x_first = x
        for position, text in enumerate(lines):
            y = self.y
            self.line(x_first if position == 0 else x, text)
            if late and position == 0:
                # drawn after the first line, at the height of the second: the extraction reads it
                # at the start of the second line
                self.pdf.text(
                    x - self.INDENT, (y if self.y > y else self.y - self.LINE) + self.LINE, mark
                )
        self.gap()

    def _footer(self) -> None:
        """The job number and "page/pages", swapped on even pages."""
        page = self.pdf.page_no()
        count = f"{page}/{self.pages}"
        self.pdf.text(self.LEFT, 285, "14-65230" if page % 2 else count)
        self.pdf.text(self.LEFT + 140, 285, count if page % 2 else "14-65230")

    def mark(self, text: str) -> str:
        """``text`` with the next footnote mark glued to it; its note goes on this page."""
        self.marks += 1
        self.notes.append(self.marks)
        return f"{text}{self.marks}"

    def output(self) -> bytes:
        self.pdf.set_font(self.font, size=8)
        self._footer()
        return bytes(self.pdf.output())


def _marked(text: str, rng: random.Random) -> bool:
    """Does a footnote mark follow this paragraph's last word and punctuation (sometimes)?"""
    return len(text) > 2 and text[-1] in ",;" and text[-2].isalpha() and rng.random() < 0.3


def resolution_pdf(document: ParsedDocument, *, seed: int = 0) -> bytes:
    """The resolution as a PDF in the United Nations layout (see the module docstring)."""
    first = _Pdf(document, random.Random(seed), 0)  # noqa: S311 (a layout, not a secret)
    _lay_out(first, document)
    layout = _Pdf(document, random.Random(seed), first.pdf.page_no())  # noqa: S311
    _lay_out(layout, document)
    return layout.output()


def _lay_out(layout: _Pdf, document: ParsedDocument) -> None:
    rng = layout.rng
    masthead = _masthead(document)
    for line in masthead[:-1]:
        layout.line(layout.LEFT, layout.text(line))
    layout.gap()
    layout.line(layout.LEFT + layout.INDENT, masthead[-1])
    for paragraph in document.preambular:
        text = paragraph.text
        layout.paragraph(layout.mark(text) if _marked(text, rng) else text, indent=layout.INDENT)
    dotted = rng.random() < 0.5
    for paragraph in document.operative:
        mark = f"{paragraph.number}." if paragraph.number is not None else ""
        layout.paragraph(paragraph.text, mark=mark, indent=layout.INDENT, late_mark=True)
        _pdf_subs(layout, paragraph.subparagraphs, dotted, 2)


def _pdf_subs(layout: _Pdf, subs: list[ParsedParagraph], dotted: bool, depth: int) -> None:
    for sub in subs:
        mark = _label(sub.label, dotted)
        layout.paragraph(sub.text, mark=mark, indent=layout.INDENT * depth)
        _pdf_subs(layout, sub.subparagraphs, dotted, depth + 1)


# --- DOCX ------------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _numbering(document: object, dotted: bool) -> tuple[int, int]:
    """Add a multi-level list to the document's numbering part: level 0 "1.", level 1 "a." or
    "(a)", level 2 "i." or "(i)"; return the number ids of a list with it and of a second list
    restarted from 1 by an override."""
    from docx.oxml import parse_xml

    part = document.part.numbering_part  # type: ignore[attr-defined]
    numbering = part.element
    levels = [("decimal", "%1."), ("lowerLetter", "%2." if dotted else "(%2)")]
    levels.append(("lowerRoman", "%3." if dotted else "(%3)"))
    xml = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{720 * (level + 1)}" w:hanging="567"/></w:pPr></w:lvl>'
        for level, (fmt, text) in enumerate(levels)
    )
    abstract_id, num_id = 90, 91
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="multilevel"/>{xml}</w:abstractNum>'
        ),
    )
    numbering.append(
        parse_xml(
            f'<w:num xmlns:w="{_W}" w:numId="{num_id}">'
            f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'
        )
    )
    return abstract_id, num_id


def _number(paragraph: object, num_id: int, level: int) -> None:
    from docx.oxml import parse_xml

    properties = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    properties.append(
        parse_xml(
            f'<w:numPr xmlns:w="{_W}"><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{num_id}"/></w:numPr>'
        )
    )


def resolution_docx(document: ParsedDocument, *, seed: int = 0) -> bytes:
    """The resolution as a Word document (see the module docstring)."""
    from docx import Document

    rng = random.Random(seed)  # noqa: S311 (a layout, not a secret)
    word = Document()
    section = word.sections[0]
    section.header.paragraphs[0].text = document.symbol or ""
    section.footer.paragraphs[0].text = "14-65230"
    for line in _masthead(document):
        word.add_paragraph(line)
    notes = 0
    for paragraph in document.preambular:
        added = word.add_paragraph(paragraph.text)
        if _marked(paragraph.text, rng):
            notes += 1
            added.add_run(str(notes)).font.superscript = True
    _, num_id = _numbering(word, rng.random() < 0.5)
    numbers = [paragraph.number for paragraph in document.operative]
    automatic = numbers == list(range(1, len(numbers) + 1))  # else typed, as written
    for paragraph in document.operative:
        if automatic:
            _number(word.add_paragraph(paragraph.text), num_id, 0)
        elif paragraph.number is None:
            word.add_paragraph(paragraph.text)
        else:
            word.add_paragraph(f"{paragraph.number}. {paragraph.text}")
        _docx_subs(word, paragraph.subparagraphs, num_id, 1)
    if notes:
        word.add_paragraph("__________________")
        for number in range(1, notes + 1):
            word.add_paragraph(f"{number} {NOTE}")
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ROMANS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]


def _docx_subs(word: object, subs: list[ParsedParagraph], num_id: int, level: int) -> None:
    labels = [sub.label for sub in subs]
    counted = _LETTERS if level == 1 else _ROMANS
    automatic = level <= 2 and labels == list(counted[: len(labels)])
    for sub in subs:
        if automatic:
            _number(word.add_paragraph(sub.text), num_id, level)  # type: ignore[attr-defined]
        else:
            word.add_paragraph(f"({sub.label}) {sub.text}")  # type: ignore[attr-defined]
        _docx_subs(word, sub.subparagraphs, num_id, level + 1)
