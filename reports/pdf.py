"""A summary as a PDF: the newsletter's text and its server-side SVG charts, drawn by fpdf2.

No external service and no browser: fpdf2 lays out the story of :func:`reports.prose.narrative`
and draws the same SVG charts as the page. The text is set in a Unicode TrueType font
(``SUMMARY_PDF_FONT`` and ``SUMMARY_PDF_FONT_BOLD``, DejaVu Sans by default, from the system's
fonts-dejavu-core). Where those files are missing, in the PDF's own Helvetica with the Windows
Latin-1 encoding, which holds every letter and sign of French (accents, « », œ, ’, …): a
machine without the fonts still gets a whole PDF, and a character outside that encoding (a
name in another script) prints as "?".
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF

from reports.charts import FILLS
from reports.prose import Story

# fpdf2 subsets the font with fontTools, which logs every table it prunes at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)
logger = logging.getLogger(__name__)

FAMILY = "newsletter"
ACCENT = (11, 79, 138)
INK = (31, 41, 51)
QUIET = (82, 96, 109)


#: The PDF's own font, and its encoding, where the TrueType fonts are missing.
CORE_FONT = "helvetica"
CORE_ENCODING = "windows-1252"


def _fonts() -> tuple[Path, Path] | None:
    """The TrueType fonts to embed, or None (with a warning) when one is missing."""
    regular = Path(settings.SUMMARY_PDF_FONT or "")
    bold = Path(settings.SUMMARY_PDF_FONT_BOLD or "")
    for path in (regular, bold):
        if not path.is_file():
            logger.warning(
                "The summaries' PDF font %s is missing (install fonts-dejavu-core or set "
                "SUMMARY_PDF_FONT and SUMMARY_PDF_FONT_BOLD): using the PDF's Helvetica.",
                path,
            )
            return None
    return regular, bold


def _drawing(svg: str) -> bytes:
    """A chart's SVG without its titles and descriptions (for screen readers on the page; fpdf2
    warns on each), as bytes for fpdf2."""
    return re.sub(r"<(title|desc)>.*?</\1>", "", svg).encode()


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


class _Newsletter(FPDF):
    def __init__(self, footer: str, family: str) -> None:
        super().__init__(format="A4")
        self._footer = footer
        self._family = family
        self.core_fonts_encoding = CORE_ENCODING

    def normalize_text(self, text: str) -> str:
        if not self.is_ttf_font:
            # The core font's encoding holds French whole; anything else prints as "?".
            text = text.encode(CORE_ENCODING, errors="replace").decode(CORE_ENCODING)
        return super().normalize_text(text)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self._family, size=8)
        self.set_text_color(*QUIET)
        self.cell(0, 5, f"{self._footer} · {self.page_no()}", align="C")


def summary_pdf(story: Story, *, masthead: str, footer: str) -> bytes:
    """The summary ``story`` (already in the reader's language) as PDF bytes."""
    fonts = _fonts()
    family = FAMILY if fonts else CORE_FONT
    pdf = _Newsletter(footer, family)
    pdf.set_title(story.title)
    pdf.set_creator("ssrtracker")
    if fonts:
        pdf.add_font(FAMILY, "", str(fonts[0]))
        pdf.add_font(FAMILY, "B", str(fonts[1]))
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(family, "B", 9)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 6, masthead.upper(), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(3)
    pdf.set_font(family, "B", 17)
    pdf.multi_cell(0, 8, story.title, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(1)
    pdf.set_text_color(*INK)
    pdf.set_font(family, "B", 10.5)
    pdf.multi_cell(0, 5.4, story.lead, new_x="LMARGIN", new_y="NEXT", align="L")

    for section in story.sections:
        pdf.ln(3 if section.level == 2 else 1.5)
        if pdf.will_page_break(20):
            pdf.add_page()
        pdf.set_text_color(*(ACCENT if section.level == 2 else INK))
        pdf.set_font(family, "B", 13 if section.level == 2 else 11)
        pdf.multi_cell(0, 6.5, section.heading, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_text_color(*INK)
        pdf.set_font(family, "", 10)
        for paragraph in section.paragraphs:
            pdf.multi_cell(0, 5, paragraph, new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(1)
        if section.charts:
            chart_w = (width - 6 * (len(section.charts) - 1)) / len(section.charts)
            chart_h = chart_w * 220 / 640
            if pdf.will_page_break(chart_h + 20):
                pdf.add_page()
            top = pdf.get_y()
            for index, chart in enumerate(section.charts):
                x = pdf.l_margin + index * (chart_w + 6)
                pdf.set_xy(x, top)
                pdf.set_font(family, "B", 8)
                pdf.set_text_color(*QUIET)
                pdf.multi_cell(chart_w, 3.6, chart.title, align="L")
                pdf.image(io.BytesIO(_drawing(chart.svg)), x=x, y=top + 8, w=chart_w)
                if chart.legend:
                    pdf.set_xy(x, top + 9 + chart_h)
                    pdf.set_font(family, "", 7.5)
                    for key, label in chart.legend:
                        pdf.set_fill_color(*_rgb(FILLS.get(key, "#52606d")))
                        pdf.rect(pdf.get_x(), pdf.get_y() + 0.8, 2.6, 2.6, style="F")
                        pdf.set_x(pdf.get_x() + 3.6)
                        pdf.cell(pdf.get_string_width(label) + 4, 4.2, label)
            pdf.set_text_color(*INK)
            pdf.set_y(top + chart_h + 15)
        for entry in section.entries:
            pdf.set_x(pdf.l_margin)
            pdf.set_font(family, "", 10)
            pdf.set_text_color(*INK)
            line = f"{entry.before}{entry.link_text}{entry.text}"
            pdf.multi_cell(
                0, 5, f"•  {line}", link=entry.url or "", new_x="LMARGIN", new_y="NEXT", align="L"
            )
            if entry.quote:
                pdf.set_x(pdf.l_margin + 5)
                pdf.set_text_color(*QUIET)
                pdf.set_font(family, "", 9.5)
                pdf.multi_cell(
                    width - 5, 4.8, entry.quote, new_x="LMARGIN", new_y="NEXT", align="L"
                )
            pdf.ln(0.8)
    return bytes(pdf.output())


def masthead() -> str:
    return _("SSR Unit newsletter")
