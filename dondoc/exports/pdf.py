"""The directive's report as a PDF: one HTML template (Jinja2) laid out by WeasyPrint, with an
embedded font that has every Vietnamese diacritic (DejaVu Sans, Debian's fonts-dejavu-core)."""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from dondoc.errors import InvalidSetting
from dondoc.exports.charts import rate_chart
from dondoc.exports.figures import summary_table
from dondoc.exports.report import DirectiveReport
from dondoc.schemas.summary import Category

TEMPLATES = Path(__file__).parent / "templates"
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/local/share/fonts/dejavu"))
LATE = {Category.COMPLETED_LATE.value, Category.IN_PROGRESS_OVERDUE.value}


def font(name: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise InvalidSetting(
        f"the PDF needs the font {name} (Vietnamese diacritics); install it with"
        " `apt-get install fonts-dejavu-core`"
    )


def render_html(report: DirectiveReport) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    head, rows = summary_table(report.summary)
    svg = rate_chart(report.summary).encode()
    return env.get_template("report.html").render(
        r=report,
        late=LATE,
        summary_head=head[2:],
        summary_rows=rows,
        chart="data:image/svg+xml;base64," + base64.b64encode(svg).decode(),
        font_regular=font("DejaVuSans.ttf").as_uri(),
        font_bold=font("DejaVuSans-Bold.ttf").as_uri(),
    )


def write_pdf(report: DirectiveReport, path: Path) -> None:
    from weasyprint import HTML  # type: ignore[import-untyped]  # slow import: only here

    HTML(string=render_html(report), base_url=str(TEMPLATES)).write_pdf(path)
