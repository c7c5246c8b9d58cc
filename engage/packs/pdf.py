"""A meeting pack's content (a plain, JSON-able dict) rendered as an A4 PDF with reportlab.

    render_pdf(content) -> bytes

The content, built elsewhere::

    {"title": str, "subtitle": str, "version_label": str,
     "sections": [{"heading": str, "blocks": [block, ...]}, ...]}

Blocks, each a dict with "type":

- {"type": "paragraph", "text": str}
- {"type": "list", "items": [str, ...]}
- {"type": "subheading", "text": str}
- {"type": "table", "caption": str, "columns": [str, ...], "rows": [[str|int|float|None]]}
  every row as long as "columns"; None shows as an en dash, a string (e.g. "suppressed")
  as given, a number formatted like the charts' value labels (1,234 / 12.5).
- {"type": "chart", "caption": str, "labels": [str, ...], "y_label": str,
   "series": [{"name": str, "values": [int|float|None, ...]}, ...]}
  a bar chart (charts.bar_chart_png), always followed by a table of the same numbers so
  they are never only in the image. Optional "label_heading" (default "Category") heads
  the table's first column.
- {"type": "story", "submission_id": int, "meta": str, "summary": str|None,
   "quote": str|None}
- {"type": "paper", "title": str, "filename": str}

Every string is plain text, never markup: it is escaped for reportlab's paragraph markup
(so "<b>", "&" or "</font>" in a resident's words appear as typed), control characters
are dropped, and line breaks in paragraphs, summaries and quotes are kept. An unknown block
type, or a table row whose length differs from its columns', raises ValueError.

The PDF: a cover (title, subtitle, version label), a contents page (page numbers right,
by multiBuild), each section starting on a new page, every section heading a top-level
bookmark (outline entry) and every subheading one nested under it, "Page N of M" in the
footer of every page, tables whose header row repeats on each page they cross, and the
document's title (the pack's) and author ("Engage") in its metadata. The output is
reproducible: the same content gives the same bytes (reportlab's invariant mode).

Fonts: DejaVu Sans (regular, bold, oblique, bold oblique) from matplotlib's own font
directory, so Polish and other non-Latin-1 text renders without any system font; they are
registered once per process.

Right-to-left scripts: reportlab neither shapes Arabic-script text (Urdu letters are drawn
in their isolated forms, not joined) nor reorders it right to left, so such a quote is
legible only with difficulty in the PDF; the characters themselves are kept (text
extraction and search get them back) and nothing fails. Proper shaping would need
reportlab's optional HarfBuzz/fribidi support, not installed here.
"""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from collections.abc import Callable
from itertools import groupby
from pathlib import Path
from xml.sax.saxutils import escape  # nosec B406 # escapes text for reportlab; parses no XML

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import FrameBG
from reportlab.platypus.tableofcontents import TableOfContents

from engage.packs.charts import bar_chart_png, format_value

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
# Italic faces lack some scripts the upright ones have (DejaVu Sans Oblique has no
# Arabic letters at all): such characters are set in the upright face of the same weight.
_UPRIGHT = {FONT: FONT, BOLD: BOLD, ITALIC: FONT, BOLD_ITALIC: BOLD}
_coverage: dict[str, frozenset[int]] = {}  # font name -> the code points it has glyphs for
_fonts_lock = threading.Lock()
_fonts_registered = False

MARGIN = 20 * mm
FOOTER_Y = 10 * mm
INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#4D4D4D")  # 8.5:1 on white
ACCENT = colors.HexColor("#1F3A5F")  # table headers: white text on it, 11:1
RULE = colors.HexColor("#B0B0B0")
STRIPE = colors.HexColor("#F2F4F7")
STORY_BACKGROUND = colors.HexColor("#EEF3F8")
QUOTE_BACKGROUND = colors.HexColor("#FFFFFF")
EN_DASH = "\u2013"
NO_FIGURES = "No figures for this period."

# C0 and C1 control characters except tab and line feed: reportlab draws them as
# missing glyphs at best, and they are never meant in a pack.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def register_fonts() -> None:
    """Register the DejaVu Sans family with reportlab, once per process (thread-safe)."""
    global _fonts_registered
    if _fonts_registered:
        return
    with _fonts_lock:
        if _fonts_registered:
            return
        directory = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        for name, filename in _FONT_FILES.items():
            font = TTFont(name, str(directory / filename))
            pdfmetrics.registerFont(font)
            # Beyond the BMP reportlab writes an invalid text mapping (odd-length hex),
            # so those few glyphs (some emoticons) count as missing.
            _coverage[name] = frozenset(c for c in font.face.charToGlyph if c <= 0xFFFF)
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )
        _fonts_registered = True


def _style(name: str, **overrides) -> ParagraphStyle:
    settings = {"fontName": FONT, "fontSize": 10, "leading": 14, "textColor": INK}
    return ParagraphStyle(name, **(settings | overrides))


STYLES = {
    "title": _style("PackTitle", fontName=BOLD, fontSize=26, leading=32, spaceAfter=14),
    "subtitle": _style("PackSubtitle", fontSize=14, leading=19, spaceAfter=10),
    "version": _style("PackVersion", fontSize=11, leading=15, textColor=MUTED),
    "contents": _style("PackContents", fontName=BOLD, fontSize=18, leading=24, spaceAfter=12),
    "heading": _style(
        "PackHeading", fontName=BOLD, fontSize=18, leading=24, spaceAfter=10, keepWithNext=1
    ),
    "subheading": _style(
        "PackSubheading",
        fontName=BOLD,
        fontSize=13,
        leading=18,
        spaceBefore=10,
        spaceAfter=6,
        keepWithNext=1,
    ),
    "body": _style("PackBody", spaceAfter=8),
    "bullet": _style(
        "PackBullet", leftIndent=16, bulletIndent=4, bulletFontName=FONT, spaceAfter=3
    ),
    "caption": _style("PackCaption", fontName=BOLD, spaceBefore=6, spaceAfter=4, keepWithNext=1),
    "cell": _style("PackCell", fontSize=9, leading=12),
    "cell_number": _style("PackCellNumber", fontSize=9, leading=12, alignment=TA_RIGHT),
    "cell_header": _style(
        "PackCellHeader", fontName=BOLD, fontSize=9, leading=12, textColor=colors.white
    ),
    "story_heading": _style(
        "PackStoryHeading", fontName=BOLD, leftIndent=8, rightIndent=8, keepWithNext=1
    ),
    "story_meta": _style(
        "PackStoryMeta",
        fontSize=8.5,
        leading=12,
        textColor=MUTED,
        leftIndent=8,
        rightIndent=8,
        spaceAfter=4,
        keepWithNext=1,
    ),
    "story_label": _style(
        "PackStoryLabel",
        fontName=BOLD,
        fontSize=9,
        leading=12,
        textColor=MUTED,
        leftIndent=8,
        rightIndent=8,
        spaceBefore=4,
        spaceAfter=2,
        keepWithNext=1,
    ),
    "story_text": _style("PackStoryText", leftIndent=8, rightIndent=8, spaceAfter=2),
    "quote": _style(
        "PackQuote",
        fontName=ITALIC,
        fontSize=10.5,
        leading=15,
        leftIndent=22,
        rightIndent=14,
        backColor=QUOTE_BACKGROUND,
        borderColor=ACCENT,
        borderWidth=0,
        borderPadding=(4, 6, 4, 6),
        spaceBefore=2,
        spaceAfter=4,
    ),
    "paper": _style("PackPaper", spaceAfter=6),
}
TOC_STYLES = [
    _style("PackTOC1", fontSize=11, leading=17, leftIndent=0, firstLineIndent=0),
    _style("PackTOC2", fontSize=10, leading=14, leftIndent=16, firstLineIndent=0, textColor=MUTED),
]


def _plain(value: object) -> str:
    """A content string as plain text: no control characters, "\\n" line breaks."""
    text = "" if value is None else str(value)
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _glyphs(text: str, font: str) -> list[tuple[str, bool]]:
    """Each character with whether it must borrow the upright face's glyph.

    A character no face has (CJK, emoji, two common Urdu letters) becomes U+FFFD, visibly a
    replacement rather than an empty box, and invisible format characters (joiners,
    direction marks) without a glyph are dropped: reportlab would otherwise draw glyph 0
    and write an unreadable text mapping (an invalid one, for characters beyond the BMP).
    """
    own, upright = _coverage[font], _coverage[_UPRIGHT[font]]
    glyphs = []
    for char in text:
        code = ord(char)
        if code < 0x80 or code in own:
            glyphs.append((char, False))
        elif code in upright:
            glyphs.append((char, True))
        elif unicodedata.category(char) != "Cf":
            glyphs.append(("\ufffd", False))
    return glyphs


def _drawable(value: object, font: str = FONT) -> str:
    """Plain text with only characters the font draws (for canvas.drawString)."""
    text = _plain(value)
    if text.isascii():
        return text
    return "".join(char if not borrowed else "\ufffd" for char, borrowed in _glyphs(text, font))


def _markup(value: object, *, font: str = FONT, breaks: bool = False) -> str:
    """Plain text as reportlab paragraph markup for a paragraph set in `font`.

    Escaped, so it is never read as markup; characters the font lacks but its upright
    face has are wrapped in that face; "\n" becomes <br/> when `breaks`.
    """
    text = _plain(value)
    if text.isascii():
        markup = escape(text)
    else:
        runs = []
        for borrowed, group in groupby(_glyphs(text, font), key=lambda glyph: glyph[1]):
            run = escape("".join(char for char, _ in group))
            runs.append(f'<font face="{_UPRIGHT[font]}">{run}</font>' if borrowed else run)
        markup = "".join(runs)
    if breaks:
        markup = markup.replace("\n", "<br/>")
    return markup


class _Heading(Paragraph):
    """A heading that is also a bookmark, an outline entry and a contents entry.

    The signature stays Paragraph's: Paragraph.split builds the parts of a (very long)
    heading with `self.__class__(None, style, bulletText=..., frags=...)`, and only
    the first part carries the bookmark.
    """

    def __init__(self, text, style, bulletText=None, frags=None, *, level=0, key="", **kw):
        super().__init__(text, style, bulletText=bulletText, frags=frags, **kw)
        self.outline_level = level
        self.outline_key = key
        self.outline_text = ""

    def draw(self):
        super().draw()
        if self.outline_key:
            self.canv.bookmarkHorizontal(self.outline_key, 0, self.height + 4)
            self.canv.addOutlineEntry(
                self.outline_text, self.outline_key, level=self.outline_level, closed=False
            )


def _para(value: object, style: str, *, breaks: bool = False, **kw) -> Paragraph:
    """A paragraph of plain text in one of STYLES."""
    chosen = STYLES[style]
    return Paragraph(_markup(value, font=chosen.fontName, breaks=breaks), chosen, **kw)


def _heading(text: object, style: ParagraphStyle, *, level: int, key: str) -> _Heading:
    plain = " ".join(_plain(text).split()) or "Untitled"
    heading = _Heading(_markup(plain, font=style.fontName), style, level=level, key=key)
    heading.outline_text = plain
    return heading


class _PageCount(Flowable):
    """The total page count, for "Page N of M", learnt the way the contents learn theirs.

    An indexing flowable (the camelCase methods are reportlab's protocol): multiBuild
    keeps making passes until the total each page was numbered with (the previous
    pass's count) is the count this pass ended with.
    """

    def __init__(self):
        super().__init__()
        self.counted: int | None = None
        self.used: int | None = None

    def isIndexing(self):
        return 1

    def beforeBuild(self):
        self.used = self.counted

    def afterBuild(self):
        pass

    def notify(self, kind, stuff):
        pass  # contents entries are the contents' business

    def isSatisfied(self):
        return self.used is not None and self.used == self.counted

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self):
        pass


class _PackDocument(BaseDocTemplate):
    def __init__(self, buffer, content: dict, page_count: _PageCount):
        self.pack_title = " ".join(_plain(content.get("title")).split())
        self.page_count = page_count
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + 4 * mm,
            title=self.pack_title,
            author="Engage",
            subject=" ".join(_plain(content.get("subtitle")).split()),
            creator="Engage",
            invariant=1,
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._footer)])

    def afterFlowable(self, flowable):
        if getattr(flowable, "outline_key", ""):
            entry = (flowable.outline_level, _markup(flowable.outline_text), self.page)
            self.notify("TOCEntry", (*entry, flowable.outline_key))

    def afterPage(self):
        self.page_count.counted = self.page

    def _footer(self, canvas, doc):
        canvas.saveState()
        if doc.page == 1:
            canvas.showOutline()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, FOOTER_Y + 11, A4[0] - MARGIN, FOOTER_Y + 11)
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(MUTED)
        total = self.page_count.used
        number = f"Page {doc.page} of {total if total else '?'}"
        canvas.drawRightString(A4[0] - MARGIN, FOOTER_Y, number)
        room = A4[0] - 2 * MARGIN - pdfmetrics.stringWidth(number, FONT, 8.5) - 12
        canvas.drawString(MARGIN, FOOTER_Y, _fit(_drawable(self.pack_title), room, 8.5))
        canvas.restoreState()


def _fit(text: str, width: float, size: float) -> str:
    """`text` cut (with an ellipsis) to fit `width` points in the body font."""
    if pdfmetrics.stringWidth(text, FONT, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "\u2026", FONT, size) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


# Blocks ---------------------------------------------------------------------------------


def _cell(value: object, header: bool = False) -> Paragraph:
    if header:
        return _para(value, "cell_header")
    if value is None:
        return Paragraph(EN_DASH, STYLES["cell_number"])
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Paragraph(escape(format_value(value)), STYLES["cell_number"])
    return _para(value, "cell", breaks=True)


def _column_widths(columns: list, rows: list[list], width: float) -> list[float]:
    """Widths shared out by the longest text in each column, within limits."""
    weights = []
    for index, column in enumerate(columns):
        longest = max([len(_plain(column))] + [len(_plain(row[index])) for row in rows[:200]])
        weights.append(min(max(longest, 6), 40))
    total = sum(weights)
    return [width * weight / total for weight in weights]


def _table(caption: object, columns: list, rows: list[list], width: float) -> list[Flowable]:
    columns = list(columns)
    if not columns:
        raise ValueError("a table needs at least one column")
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"a table row has {len(row)} cells for {len(columns)} columns")
    data = [[_cell(c, header=True) for c in columns]] + [[_cell(v) for v in r] for r in rows]
    table = Table(data, colWidths=_column_widths(columns, rows, width), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
                ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    flowables: list[Flowable] = []
    if _plain(caption).strip():
        flowables.append(_para(caption, "caption"))
    return flowables + [table, Spacer(1, 10)]


class _Builder:
    """Turns the content's sections and blocks into flowables."""

    def __init__(self, width: float):
        self.width = width
        self.section = 0
        self.subsection = 0

    def section_heading(self, text: object) -> Flowable:
        self.section += 1
        self.subsection = 0
        return _heading(text, STYLES["heading"], level=0, key=f"section-{self.section}")

    def renderers(self) -> dict[str, Callable[[dict], list[Flowable]]]:
        """Each block type's renderer (the annual report's builder adds its own)."""
        return {
            "paragraph": self.paragraph,
            "list": self.bullets,
            "subheading": self.subheading,
            "table": self.table,
            "chart": self.chart,
            "story": self.story,
            "paper": self.paper,
        }

    def blocks(self, blocks: list[dict]) -> list[Flowable]:
        renderers = self.renderers()
        flowables: list[Flowable] = []
        for block in blocks:
            kind = block.get("type")
            if kind not in renderers:
                raise ValueError(f"unknown block type {kind!r}")
            flowables += renderers[kind](block)
        return flowables

    def paragraph(self, block: dict) -> list[Flowable]:
        return [_para(block.get("text"), "body", breaks=True)]

    def bullets(self, block: dict) -> list[Flowable]:
        items = [
            _para(item, "bullet", breaks=True, bulletText="\u2022")
            for item in block.get("items") or []
        ]
        return items + [Spacer(1, 6)]

    def subheading(self, block: dict) -> list[Flowable]:
        self.subsection += 1
        key = f"section-{self.section}.{self.subsection}"
        level = 1 if self.section else 0  # blocks always sit in a section
        return [_heading(block.get("text"), STYLES["subheading"], level=level, key=key)]

    def table(self, block: dict) -> list[Flowable]:
        return _table(
            block.get("caption"), block.get("columns") or [], block.get("rows") or [], self.width
        )

    def chart_image(self, block: dict) -> list[Flowable]:
        """The chart's caption and image, the width of the page's text."""
        labels = list(block.get("labels") or [])
        series = list(block.get("series") or [])
        png = bar_chart_png(labels, series, y_label=_plain(block.get("y_label")))
        image = Image(io.BytesIO(png))
        scale = self.width / image.imageWidth
        image.drawWidth, image.drawHeight = self.width, image.imageHeight * scale
        flowables: list[Flowable] = []
        caption = _plain(block.get("caption")).strip()
        if caption:
            flowables.append(_para(caption, "caption"))
        return flowables + [image, Spacer(1, 6)]

    def chart(self, block: dict) -> list[Flowable]:
        labels = list(block.get("labels") or [])
        series = list(block.get("series") or [])
        caption = _plain(block.get("caption")).strip()
        flowables = self.chart_image(block)
        if not labels or not series:
            return flowables + [Paragraph(NO_FIGURES, STYLES["body"])]
        y_label = _plain(block.get("y_label")).strip()
        names = [
            _plain(item.get("name")).strip()
            or (y_label if len(series) == 1 else "")
            or f"Series {index + 1}"
            for index, item in enumerate(series)
        ]
        columns = [block.get("label_heading") or "Category", *names]
        rows = [
            [label, *[item.get("values")[index] for item in series]]
            for index, label in enumerate(labels)
        ]
        table_caption = f"The figures in the chart{': ' + caption if caption else ''}"
        return flowables + _table(table_caption, columns, rows, self.width)

    def story(self, block: dict) -> list[Flowable]:
        number = block.get("submission_id")
        flowables: list[Flowable] = [
            FrameBG(color=STORY_BACKGROUND, start=True),
            Spacer(1, 6),
            Paragraph(f"Story {escape(_plain(number))}", STYLES["story_heading"]),
        ]
        meta = _plain(block.get("meta")).strip()
        if meta:
            flowables.append(_para(meta, "story_meta"))
        summary, quote = block.get("summary"), block.get("quote")
        if summary is not None and _plain(summary).strip():
            flowables += [
                Paragraph("Officer's summary", STYLES["story_label"]),
                _para(summary, "story_text", breaks=True),
            ]
        if quote is not None and _plain(quote).strip():
            flowables += [
                Paragraph("Quote", STYLES["story_label"]),
                _para(quote, "quote", breaks=True),
            ]
        if len(flowables) <= 4:
            flowables.append(Paragraph("No summary or quote.", STYLES["story_text"]))
        return flowables + [Spacer(1, 6), FrameBG(start=False), Spacer(1, 10)]

    def paper(self, block: dict) -> list[Flowable]:
        title = _markup(block.get("title"))
        filename = _markup(block.get("filename"))
        text = f"<b>Paper attached:</b> {title} (file {filename}, downloaded separately)"
        return [Paragraph(text, STYLES["paper"])]


def _cover(content: dict) -> list[Flowable]:
    return [
        Spacer(1, 55 * mm),
        _para(content.get("title"), "title"),
        _para(content.get("subtitle"), "subtitle"),
        _para(content.get("version_label"), "version"),
        PageBreak(),
    ]


def _contents() -> list[Flowable]:
    toc = TableOfContents(levelStyles=TOC_STYLES, dotsMinLevel=0)
    return [Paragraph("Contents", STYLES["contents"]), toc]


def render_pdf(content: dict) -> bytes:
    """The meeting pack as PDF bytes (see the module docstring for `content`)."""
    return render_with(content, _Builder)


def render_with(content: dict, builder_class: type[_Builder]) -> bytes:
    """`content` as PDF bytes, its blocks drawn by `builder_class` (a _Builder): the
    pack's cover, contents, sections, bookmarks and "Page N of M" footer."""
    register_fonts()
    buffer = io.BytesIO()
    page_count = _PageCount()
    document = _PackDocument(buffer, content, page_count)
    builder = builder_class(document.width)
    story: list[Flowable] = [page_count, *_cover(content), *_contents()]
    for section in content.get("sections") or []:
        story += [PageBreak(), builder.section_heading(section.get("heading"))]
        story += builder.blocks(section.get("blocks") or [])
    document.multiBuild(story)
    return buffer.getvalue()
