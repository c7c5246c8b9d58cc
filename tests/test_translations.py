"""Every word a resident or a community group reads is in the catalogues, translated into
every language offered; staff pages are English-only and say so (tests/test_i18n.py).

Three checks, each failing with what to fix:
- templates residents and groups see hold no words outside gettext calls;
- the catalogues hold every message the code and templates mark (run
  `make extract-messages`), each translated, placeholders intact;
- residents' forms label their fields with marked (translated) strings.
Pages drawn in Urdu are checked for any English left over in tests/test_translated_pages.py.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import LazyString

from engage.i18n import available_languages

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
CATALOGUES = ROOT / "engage" / "translations"
LANGUAGES = [code for code in available_languages(str(CATALOGUES)) if code != "en"]

# Templates only staff see: English only, like the rest of the staff pages.
STAFF_ONLY = {
    "admin",
    "moderation",
    "officer",
    "staff",
    "meetings",
    "routing",
    "digests",
    "packs",
    "commitments",
    "registers",
    "evidence",
    "accountability",
    # The annual report's staff pages, and its body: the secretariat's English, shown
    # as written on the public page too (marked lang="en"). Its public pages, in
    # reports/public/, are translated.
    "reports/index.html",
    "reports/report.html",
    "reports/section.html",
    "reports/remove_section.html",
    "reports/publish.html",
    "reports/preview.html",
    "reports/_report.html",
    # Digests go to working group members: staff, who work in English.
    "email/digest.html",
    "auth/two_factor.html",
    "auth/set_up_two_factor.html",
    "auth/recovery_codes.html",
    "auth/confirm_identity.html",
}
# Words a page may show untranslated: the product's name, and technical terms that are
# the same in every language.
NOT_WORDS = {"Engage", "SHA-256", "JSON", "WCAG", "JavaScript", "Childline", "WMCA"}
# Attributes whose values people read (or hear).
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "summary"}


def _is_staff_only(template: Path) -> bool:
    relative = template.relative_to(TEMPLATES).as_posix()
    return relative in STAFF_ONLY or relative.split("/")[0] in STAFF_ONLY


RESIDENT_TEMPLATES = sorted(path for path in TEMPLATES.rglob("*.html") if not _is_staff_only(path))


class _ReadableText(HTMLParser):
    """Text nodes and read-aloud attributes of an HTML fragment."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_data(self, data):
        self.found.append(data)


def _words(text: str) -> list[str]:
    cleaned = text
    for allowed in NOT_WORDS:
        cleaned = cleaned.replace(allowed, " ")
    return re.findall(r"[A-Za-z]{2,}", cleaned)


class _TemplateReader:
    """Walks a template's tokens: its own HTML, with each Jinja expression replaced by
    a placeholder, and the string literals in expressions outside any gettext call."""

    GETTEXT = ("_", "gettext", "ngettext")

    def __init__(self):
        self.html: list[str] = []
        self.loose_strings: list[str] = []
        self.inside = False
        self.depth = 0
        self.gettext_depth = 0
        self.previous_name = None

    def feed(self, kind: str, value: str) -> None:
        if kind == "data" and not self.inside:
            self.html.append(value)
        elif kind in ("variable_begin", "block_begin"):
            self.inside = True
            self.html.append("\u00a7" if kind == "variable_begin" else "")
        elif kind in ("variable_end", "block_end"):
            self.inside = False
        elif kind == "operator":
            self._bracket(value)
        elif kind == "string" and not self.gettext_depth:
            self.loose_strings.append(value)
        self.previous_name = value if kind == "name" else None

    def _bracket(self, value: str) -> None:
        if value == "(":
            self.depth += 1
            if self.previous_name in self.GETTEXT and not self.gettext_depth:
                self.gettext_depth = self.depth
        elif value == ")":
            if self.depth == self.gettext_depth:
                self.gettext_depth = 0
            self.depth -= 1


def _template_parts(source: str, env) -> tuple[str, list[str]]:
    reader = _TemplateReader()
    for _, kind, value in env.lex(source):
        reader.feed(kind, value)
    return "".join(reader.html), reader.loose_strings


def _looks_like_prose(literal: str) -> bool:
    """Words for people rather than a name, a class or a key: at least two words, or
    one capitalised word (a label)."""
    words = re.findall(r"[A-Za-z]{2,}", literal)
    if "__" in literal or "--" in literal or literal.startswith(("#", "/", ".")):
        return False
    return len(words) >= 2 and " " in literal or bool(re.fullmatch(r"[A-Z][a-z]+[.!?]?", literal))


@pytest.mark.parametrize(
    "template", RESIDENT_TEMPLATES, ids=lambda p: p.relative_to(TEMPLATES).as_posix()
)
def test_residents_templates_hold_no_words_outside_gettext(app, template):
    html, literals = _template_parts(template.read_text(encoding="utf-8"), app.jinja_env)
    parser = _ReadableText()
    parser.feed(html)
    untranslated = [text.strip() for text in parser.found if _words(text.replace("\u00a7", " "))]
    prose = [literal for literal in literals if _looks_like_prose(literal)]
    assert untranslated == [], "wrap these in {{ _(...) }}"
    assert prose == [], "pass these through _(...)"


def _catalogue(language: str):
    path = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def _marked_messages() -> set[str]:
    """Every message the code and templates mark, as `make extract-messages` finds them."""
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "N_": None,
        "_l": None,
        "lazy_gettext": None,
        "lazy_ngettext": (1, 2),
    }
    found = set()
    for method, folder in (("python", "engage"), ("jinja2", "templates")):
        for _, _, message, _, _ in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")] if method == "python" else [("**.html", "jinja2")],
            keywords=keywords,
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_the_catalogues_hold_every_marked_message():
    marked = _marked_messages()
    for language in LANGUAGES:
        held = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _catalogue(language) if m.id}
        missing = sorted(marked - held)
        assert missing == [], f"{language}: run `make extract-messages`, then translate"


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(language):
    untranslated, fuzzy, broken = [], [], []
    for message in _catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(ids[0])
        elif message.fuzzy:
            fuzzy.append(ids[0])
        expected = set(_PLACEHOLDER.findall(ids[-1]))
        if any(string and set(_PLACEHOLDER.findall(string)) != expected for string in strings):
            # Polish plural forms may leave out %(num)s only where the id has none.
            broken.append(ids[0])
    assert untranslated == [], f"{language}: translate these"
    assert fuzzy == [], f"{language}: check these translations and remove 'fuzzy'"
    assert broken == [], f"{language}: keep every %(name)s placeholder"


def _resident_forms():
    from engage.auth.forms import ChoosePasswordForm, ForgottenPasswordForm, SignInForm
    from engage.groups.forms import GroupRegistrationForm
    from engage.stories.forms import (
        AgeForm,
        ConsentForm,
        EqualityForm,
        ReceiptForm,
        WithdrawForm,
    )
    from engage.story_forms import AssistedStoryForm, StoryForm

    return [
        AgeForm,
        StoryForm,
        EqualityForm,
        ReceiptForm,
        ConsentForm,
        WithdrawForm,
        AssistedStoryForm,
        GroupRegistrationForm,
        ChoosePasswordForm,
        ForgottenPasswordForm,
        SignInForm,
    ]


def test_residents_forms_label_every_field_and_option_with_a_marked_string(app):
    marked = _marked_messages()
    unmarked = []
    with app.test_request_context():
        for form_class in _resident_forms():
            form = form_class(meta={"csrf": False})
            for field in form:
                if field.type in ("HiddenField", "CSRFTokenField"):
                    continue
                texts = [field.label.text]
                if hasattr(field, "iter_choices") and field.choices:
                    texts += [choice[1] for choice in field.iter_choices()]
                for text in texts:
                    if not isinstance(text, LazyString) or text._args[0] not in marked:
                        unmarked.append(f"{form_class.__name__}.{field.name}: {text}")
    assert unmarked == []
