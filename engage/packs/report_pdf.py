"""The annual progress report as an A4 PDF, drawn like a meeting pack (engage.packs.pdf:
cover, contents, a bookmark per section and subheading, "Page N of M", DejaVu fonts
with Polish and Urdu letters, tables whose header repeats), with two block types of its
own (engage.services.reports.blocks):

- "figure": a bar chart followed by the table of its figures as given (so a suppressed
  count reads "suppressed" rather than a blank);
- "markdown": a narrative section's body, parsed by engage.services.reports.narrative
  and drawn as headings, paragraphs, lists, bold, italic, links (http, https and mailto
  only), quotes and tables. Every piece of text is escaped for reportlab's paragraph
  markup (which is XML): what the secretariat typed can never become markup.

    render_report_pdf(document) -> bytes
"""

from __future__ import annotations

from xml.sax.saxutils import escape  # nosec B406 # escapes text for reportlab; parses no XML

from markdown_it.token import Token
from reportlab.platypus import Flowable, Paragraph, Spacer

from engage.packs.pdf import (
    BOLD,
    BOLD_ITALIC,
    FONT,
    ITALIC,
    MUTED,
    STYLES,
    _Builder,
    _markup,
    _plain,
    _style,
    _table,
    render_with,
)
from engage.services.reports import narrative

LINK_COLOUR = "#1F3A5F"
_FACES = {
    (False, False): FONT,
    (True, False): BOLD,
    (False, True): ITALIC,
    (True, True): BOLD_ITALIC,
}
_LIST_INDENT = 16
MINOR_HEADING_STYLE = _style(
    "ReportMinorHeading", fontName=BOLD, spaceBefore=6, spaceAfter=4, keepWithNext=1
)


def _attribute(value: str) -> str:
    return escape(value, {'"': "&quot;"})


class _Inline:
    """One inline token's children as reportlab paragraph markup."""

    def __init__(self):
        self.parts: list[str] = []
        self.bold = self.italic = False
        self.links: list[bool] = []  # for each open link, whether it is drawn as one

    def text(self, child: Token) -> None:
        self.parts.append(_markup(child.content, font=_FACES[(self.bold, self.italic)]))

    def strong(self, child: Token) -> None:
        self.bold = child.nesting == 1
        self.parts.append("<b>" if self.bold else "</b>")

    def em(self, child: Token) -> None:
        self.italic = child.nesting == 1
        self.parts.append("<i>" if self.italic else "</i>")

    def link_open(self, child: Token) -> None:
        href = str(child.attrGet("href") or "")
        self.links.append(narrative.is_safe_link(href))
        if self.links[-1]:
            self.parts.append(f'<a href="{_attribute(href)}" color="{LINK_COLOUR}"><u>')

    def link_close(self, child: Token) -> None:
        if self.links and self.links.pop():
            self.parts.append("</u></a>")

    def markup(self, children: list[Token]) -> str:
        handlers = {
            "text": self.text,
            "code_inline": self.text,
            "html_inline": self.text,
            "softbreak": lambda child: self.parts.append(" "),
            "hardbreak": lambda child: self.parts.append("<br/>"),
            "strong_open": self.strong,
            "strong_close": self.strong,
            "em_open": self.em,
            "em_close": self.em,
            "link_open": self.link_open,
            "link_close": self.link_close,
        }
        for child in children:
            handler = handlers.get(child.type)
            if handler is not None:
                handler(child)
        return "".join(self.parts)


def inline_markup(children: list[Token]) -> str:
    """An inline token's children as reportlab paragraph markup, every text escaped."""
    return _Inline().markup(children)


def _plain_inline(token: Token) -> str:
    return "".join(
        child.content if child.type not in ("softbreak", "hardbreak") else " "
        for child in token.children or []
    )


class _Markdown:
    """Walks the parsed Markdown of one narrative section, making flowables."""

    def __init__(self, builder: _ReportBuilder):
        self.builder = builder
        self.out: list[Flowable] = []
        self.lists: list[list] = []  # [ordered, next number] for each open list
        self.bullet: str | None = None  # the marker for the next paragraph in a list item
        self.quotes = 0

    def _style(self):
        base = STYLES["bullet"] if self.lists else STYLES["body"]
        indent = _LIST_INDENT * len(self.lists) + (18 if self.quotes else 0)
        if not indent:
            return base
        colour = MUTED if self.quotes else base.textColor
        return _style(
            f"ReportNarrative{len(self.lists)}-{self.quotes}",
            leftIndent=indent,
            bulletIndent=max(indent - 12, 0),
            textColor=colour,
            spaceAfter=4 if self.lists else 8,
        )

    def paragraph(self, markup: str) -> None:
        bullet, self.bullet = self.bullet, None
        kw = {"bulletText": bullet} if bullet else {}
        self.out.append(Paragraph(markup or " ", self._style(), **kw))

    def heading(self, token: Token, inline: Token) -> None:
        text = _plain_inline(inline)
        if token.tag == "h3":
            self.out += self.builder.subheading({"text": text})
        else:
            self.out.append(Paragraph(_markup(text, font=BOLD), MINOR_HEADING_STYLE))

    def table(self, tokens: list[Token], start: int) -> int:
        """The table starting at tokens[start]; the index after its end."""
        rows: list[list[str]] = []
        index = start
        while tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline":
                rows[-1].append(_plain_inline(token))
            index += 1
        if rows:
            columns, body = rows[0], rows[1:]
            body = [(row + [""] * len(columns))[: len(columns)] for row in body]
            self.out += _table("", columns, body, self.builder.width)
        return index + 1

    def list_item(self) -> None:
        kind = self.lists[-1]
        if kind[0]:
            self.bullet = f"{kind[1]}."
            kind[1] += 1
        else:
            self.bullet = "\u2022"

    def walk(self, tokens: list[Token]) -> list[Flowable]:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind == "table_open":
                index = self.table(tokens, index)
                continue
            if kind in ("heading_open", "paragraph_open"):
                inline = tokens[index + 1]
                if kind == "heading_open":
                    self.heading(token, inline)
                else:
                    self.paragraph(inline_markup(inline.children or []))
                index += 3
                continue
            self.structure(token)
            index += 1
        return self.out + [Spacer(1, 4)]

    def structure(self, token: Token) -> None:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = token.attrGet("start")
            self.lists.append([kind == "ordered_list_open", int(start) if start else 1])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            if not self.lists:
                self.out.append(Spacer(1, 4))
        elif kind == "list_item_open":
            self.list_item()
        elif kind == "list_item_close" and self.bullet:
            self.paragraph("")  # an empty item still shows its marker
        elif kind in ("blockquote_open", "blockquote_close"):
            self.quotes += 1 if kind == "blockquote_open" else -1
        elif kind in ("code_block", "fence"):
            text = _markup(token.content.rstrip("\n"), breaks=True)
            self.paragraph(text)
        elif kind == "hr":
            self.out.append(Spacer(1, 8))


class _ReportBuilder(_Builder):
    def renderers(self):
        return {**super().renderers(), "figure": self.figure, "markdown": self.markdown}

    def figure(self, block: dict) -> list[Flowable]:
        caption = _plain(block.get("caption")).strip()
        table_caption = f"The figures in the chart{': ' + caption if caption else ''}"
        return self.chart_image(block) + _table(
            table_caption, block.get("columns") or [], block.get("rows") or [], self.width
        )

    def markdown(self, block: dict) -> list[Flowable]:
        return _Markdown(self).walk(narrative.tokens(block.get("markdown") or ""))


def render_report_pdf(document: dict) -> bytes:
    """The report (engage.services.reports.publishing.document) as PDF bytes."""
    return render_with(document, _ReportBuilder)
