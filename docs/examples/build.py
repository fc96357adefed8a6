"""Build the example files of resolution 2553 (2020) from its seed text.

    python docs/examples/build.py

writes ``S-RES-2553-2020.docx`` (with python-docx: one Word paragraph per line of the text, the
paragraph numbers and labels typed as the United Nations types them) and ``S-RES-2553-2020.pdf``
(the same text as a simple HTML page printed to PDF by Chromium, ``CHROMIUM_PATH`` or
``/usr/bin/chromium``). The files are committed; the README shows ``parse_document`` on them, and
a test checks that they parse to the same operative paragraphs as the text.
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SOURCE = ROOT / "fixtures" / "sources" / "S-RES-2553-2020_plain.txt"
STEM = "S-RES-2553-2020"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def lines() -> list[str]:
    return [
        line.strip() for line in SOURCE.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def build_docx(target: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    for line in lines():
        document.add_paragraph(line)
    document.core_properties.title = "Resolution 2553 (2020)"
    document.core_properties.author = "ssrtracker example"
    document.save(str(target))


def build_pdf(target: Path) -> None:
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines())
    page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<title>S/RES/2553 (2020)</title><style>"
        "body{font:11pt serif;margin:0} p{margin:0 0 6pt} @page{size:A4;margin:2cm}"
        "</style></head><body>" + body + "</body></html>"
    )
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "page.html"
        source.write_text(page, encoding="utf-8")
        subprocess.run(  # noqa: S603 (our own command line)
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--user-data-dir={folder}/profile",
                f"--print-to-pdf={target}",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main() -> int:
    build_docx(HERE / f"{STEM}.docx")
    build_pdf(HERE / f"{STEM}.pdf")
    for suffix in (".docx", ".pdf"):
        path = HERE / f"{STEM}{suffix}"
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
