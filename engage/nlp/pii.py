"""Find personal data in a story and propose a redaction with typed placeholders.

Offline and rule-based: regular expressions with checksums for structured data,
`phonenumbers` for UK phone numbers, and a spaCy EntityRuler for person names (name
lists built from Faker's MIT-licensed data plus the project's own, and context such as
"my name is", titles, and "my son ..."). A number the resident introduces ("my NHS
number is", "crime ref") is personal data whatever its check digit or format. Word
lists live in `data/`, each with its source. Officers confirm every proposal in
moderation.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources

import phonenumbers
import spacy
from spacy.language import Language

TYPES = (
    "EMAIL",
    "PHONE",
    "POSTCODE",
    "ADDRESS",
    "DOB",
    "NI_NUMBER",
    "NHS_NUMBER",
    "REFERENCE_NUMBER",
    "NAME",
)
# When two findings overlap, the one earlier in this list wins.
PRIORITY = (
    "EMAIL",
    "NHS_NUMBER",
    "NI_NUMBER",
    "REFERENCE_NUMBER",
    "DOB",
    "PHONE",
    "POSTCODE",
    "ADDRESS",
    "NAME",
)


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    type: str

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "type": self.type}


@functools.cache
def _word_list(name: str) -> tuple[str, ...]:
    """The lines of a data file, without blank lines and `#` comments (its header)."""
    text = resources.files("engage.nlp").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and line[0] != "#")


@functools.cache
def _keyed_list(name: str) -> tuple[tuple[str, str], ...]:
    """A data file of `KEY rest of line` lines."""
    return tuple(tuple(line.split(None, 1)) for line in _word_list(name))


def _words(name: str) -> frozenset[str]:
    return frozenset(_word_list(name))


# Starting only where a run of address characters starts: otherwise a long run with no @
# is tried from each of its characters (seconds for a 10,000-character story).
EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+'-])[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
POSTCODE = re.compile(
    r"\b[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2}\b"
)
NI_NUMBER = re.compile(r"\b[A-Za-z]{2}(?:[ -]?\d){6}[ -]?[A-Da-d]\b")
NHS_NUMBER = re.compile(r"(?<![\d+)])\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
# UK numbers as people write them, for what the phonenumbers matcher gives up on
# ("(0121) 496 0655 47 times"): 0 or +44, then 9-10 more digits with spaces or brackets.
PHONE_WRITTEN = re.compile(
    r"(?<![\d+])(?:(?:\+|00)44\s?(?:\(0\)\s?)?|\(?0)(?:\d[\s)\-]{0,2}){9}\d(?:\d(?!\d))?"
)

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    r"|\d{4}[/-]\d{2}[/-]\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTHS}\.?,?\s+(?:\d{{4}}|'?\d{{2}})"
    rf"|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
# A date of birth is a date that follows "born", "DOB", "date of birth" or "birthday"
# within a few words ("my date of birth is the 21st of June 1993", "DOB (11-04-1958)").
DOB = re.compile(
    r"(?:\bborn|\bd\.?o\.?b\b\.?|\bdate\s+of\s+birth|\bbirthday)"
    rf"[^\n.!?]{{0,30}}?(?P<date>{_DATE})",
    re.IGNORECASE,
)
_STREET = r"(?:" + "|".join(map(re.escape, _word_list("street_words.txt"))) + r")"
ADDRESS = re.compile(
    r"(?:(?:flat|apartment|apt|unit)\s*\d+[a-z]?,?\s+)?"
    r"(?:\bno\.?\s*)?\b\d{1,4}[a-z]?,?\s+"
    r"(?P<street>(?:[A-Za-z'’-]+\s+){1,3})" + _STREET + r"\b",
    re.IGNORECASE,
)
# Words that show a number and a "street" word are not an address: "3 hours on Soho Road".
_NOT_STREET_WORDS = _words("not_street_words.txt")

# Titles ("Mrs", "PC", "Imam"); those written with a full stop in the file also take one
# in a story ("Mr. Khan").
TITLES = [title.rstrip(".") for title in _word_list("titles.txt")]
ABBREVIATED_TITLES = frozenset(t.rstrip(".") for t in _word_list("titles.txt") if t[-1] == ".")
RELATIONS = list(_word_list("relations.txt"))
# Words between "my" and a relation: "my little brother Kofi", "our eldest son Musa".
RELATION_ADJECTIVES = "|".join(map(re.escape, _word_list("relation_adjectives.txt")))
# Names that are also everyday words; they need context ("Mrs Hope", "my son Will").
# The same list holds places and organisations, which never start a name.
AMBIGUOUS = _words("ambiguous_words.txt")


@functools.cache
def first_names() -> frozenset[str]:
    names = set(_word_list("first_names.txt")) | set(_word_list("names_extra.txt"))
    return frozenset(names - AMBIGUOUS)


@functools.cache
def surnames() -> frozenset[str]:
    # The project's own list mixes first names and surnames ("Chikwanha", "Kowalczyk").
    names = set(_word_list("surnames.txt")) | set(_word_list("names_extra.txt"))
    return frozenset(names - AMBIGUOUS)


@functools.cache
def ambiguous_names() -> frozenset[str]:
    """Everyday words that are also names ("Grace", "Ali", "Will"), but not the places
    and organisations in AMBIGUOUS: they may continue or join a name, never start one."""
    listed = set(_word_list("first_names.txt")) | set(_word_list("surnames.txt"))
    return frozenset(AMBIGUOUS & (listed | set(_word_list("names_extra.txt"))))


@functools.cache
def common_words() -> frozenset[str]:
    return frozenset(_word_list("common_words.txt"))


_NAME_WORD = {"IS_ALPHA": True, "IS_TITLE": True}


def _lower_names(names: list[str]) -> list[str]:
    """Lower-case forms, without those that are everyday words ("son", "will", "love")."""
    common = (
        _NOT_NAMES | set(RELATIONS) | set(TITLES) | {w.lower() for w in AMBIGUOUS} | common_words()
    )
    return sorted({n.lower() for n in names} - common)


def name_patterns() -> list[dict]:
    firsts, lasts = sorted(first_names()), sorted(surnames())
    ambiguous = sorted(AMBIGUOUS)
    not_names = sorted(_NOT_NAMES | {w.lower() for w in AMBIGUOUS | DEMONYMS} | PLACE_WORDS)
    return [
        # A known first name, with a surname if one follows: Amina, Amina Yusuf
        {"label": "NAME", "pattern": [{"ORTH": {"IN": firsts}}, {**_NAME_WORD, "OP": "?"}]},
        # In lower case, only a known first name followed by a known surname
        {
            "label": "NAME",
            "pattern": [
                {"LOWER": {"IN": _lower_names(firsts)}},
                {"LOWER": {"IN": _lower_names(lasts)}},
            ],
        },
        # Any capitalised word before a known surname: Kiran Sandhu (an everyday word
        # such as Precious or Jan is the next pattern's)
        {
            "label": "NAME",
            "pattern": [
                {**_NAME_WORD, "LOWER": {"NOT_IN": not_names}},
                {"ORTH": {"IN": lasts}},
            ],
        },
        # An everyday-word first name with a capitalised surname after it: Grace Okafor
        {"label": "NAME", "pattern": [{"ORTH": {"IN": ambiguous}}, {"ORTH": {"IN": lasts}}]},
    ]


_WORD = r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]*"
_CAPITALISED = r"[A-ZÀ-Þ][A-Za-zÀ-ÿ'’-]*"
# Mrs Patel, PC Davies, Dr Adeyemi-Jones, mr khan: the title is part of the span.
TITLE_NAME = re.compile(
    r"\b(?i:" + "|".join(map(re.escape, TITLES)) + r")\.?\s+"
    r"(?!(?i:" + "|".join(map(re.escape, TITLES)) + r")\b)"
    rf"(?P<first>{_WORD})(?P<second>(?:\s+{_CAPITALISED}){{0,2}})"
)


# "I'm Nigerian", "my partner is Black British": identities, not names.
DEMONYM_ENDINGS = _word_list("demonym_endings.txt")
DEMONYMS = _words("demonyms.txt")
# Words after a name that show it is a place, building or brand: "Stoney Lane",
# "Madina Mosque", "Rose House".
PLACE_WORDS = _words("place_words.txt")
BRANDS = _words("brands.txt")
_NOT_NAMES = _words("not_names.txt")
# "the Queen Elizabeth" (a hospital), "St Chad's": a place, not a person.
# How far back to look for words that open a place name or join two names: a window, not
# the whole text before, so a story full of names is not searched from its start each time.
_LOOK_BACK = 120
_PLACE_OPENERS = re.compile(
    r"\b(?:" + "|".join(map(re.escape, _word_list("place_name_openers.txt"))) + r")\.?\s+$"
)


def _cues(kind: str) -> str:
    """The phrases of one kind in data/name_cues.txt, as a pattern ("my name is")."""
    phrases = [phrase for key, phrase in _keyed_list("name_cues.txt") if key == kind]
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)


# Context patterns label only the name: "my name is Amina", "my son tyler".
_RELATION = (
    r"(?:my|our|his|her|their)\s+(?:(?:" + RELATION_ADJECTIVES + r")\s+)?"
    r"(?:" + "|".join(map(re.escape, RELATIONS)) + r")"
)
CONTEXT = re.compile(
    r"\b(?i:"
    + _cues("label")
    + "|"
    + _RELATION
    + r"(?:'s)?(?:\s+name)?(?P<copula>\s+(?:is|was))?,?)\s+"
    rf"(?P<name>{_WORD})(?P<second>(?:\s+{_CAPITALISED}){{0,2}})"
)
# The name before the relation: "Roya is my wife", "Kulwinder my wife", "Abu Bakr, our chair".
# A name starts a word: without the look-behind, a long run of capitals is tried from
# every letter of it (seconds for a 10,000-character story).
NAME_THEN_RELATION = re.compile(
    rf"(?<![\w'’-])(?P<name>{_CAPITALISED})(?P<second>(?:\s+{_CAPITALISED}){{0,2}})"
    r",?\s+(?i:(?:is|was)\s+)?(?i:" + _RELATION + r"|my\s+name)\b"
)
# Several people, then who they are: "Rebin and Shvan are my cousins".
LIST_THEN_RELATION = re.compile(
    rf"(?<![\w'’-])(?P<list>{_CAPITALISED}(?:\s*,\s*{_CAPITALISED})*\s+(?:and|&)\s+{_CAPITALISED})"
    r"\s+(?:are|were)\s+(?:my|our|his|her|their)\b"
)


@functools.cache
def name_pipeline() -> Language:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": None})
    ruler.add_patterns(name_patterns())
    return nlp


# Numbers the resident introduces: "my NHS number is", "NI no:", "crime ref 4412/23",
# "the reference number for the police was". The phrases are in data/number_contexts.txt;
# there "number" and "reference" also match their abbreviations and common misspellings.
_NUMBER_WORD = (
    r"(?:(?:nu?m+b?e?r?e?|numebr|nubmer|nr)\b\.?|no(?:\.|\b(?=\s*(?:[:#=]|\d|is\b|was\b)))|#|n°)"
)
_REFERENCE_WORD = r"(?:ref{1,2}(?:e?r+[ae]?n[cs]e)?\b\.?)"
# A reference as people write them: "4412/23", "CR/12345/23", "RXK 123 4567", "K1234567",
# "1234 of 12/03/23" (a police log).
_REFERENCE_VALUE = (
    r"(?<![A-Za-z0-9])(?:[A-Z]{1,4}[ /-]?|[A-Za-z]{1,4}[/-]?)?\d[A-Za-z0-9]*"
    r"(?:[/.-][A-Za-z0-9]+|\s\d[A-Za-z0-9]{2,})*"
    r"(?:\s+of\s+\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?)?(?![\w/])"
)


@functools.cache
def _context_words(kind: str) -> tuple[str, ...]:
    """The words of one kind in data/number_context_words.txt."""
    return tuple(w.lower() for key, w in _keyed_list("number_context_words.txt") if key == kind)


def _any_of(words: tuple[str, ...]) -> str:
    return "|".join(map(re.escape, words))


def _cue_gap() -> str:
    """Between the phrase and the number: a few words, but no digits, no end of sentence
    and no word that starts another piece of data."""
    interrupts = _any_of(_context_words("interrupts"))
    return rf"(?P<gap>(?:(?!\b(?i:{interrupts})\b)[^\d\n.!?;]){{0,40}}?)"


def _number_values() -> dict[str, str]:
    """What the number may look like after each kind of phrase: an NI number keeps its
    shape (two letters, five to seven digits, perhaps a letter) whatever its letters."""
    not_letters = _any_of(_context_words("not-letters"))
    ni_number = (
        rf"(?<![A-Za-z0-9])(?!(?i:{not_letters})\b)"
        r"[A-Za-z]{2}(?:[ -]?\d){5,7}(?:[ -]?[A-Da-d]|[A-Za-z])?(?![\w/])"
    )
    return {
        # Nine to eleven digits: ten, or ten mistyped by one.
        "NHS_NUMBER": r"(?<![\w+])\d(?:[ -]?\d){8,10}(?![\w/])",
        "NI_NUMBER": ni_number,
        "REFERENCE_NUMBER": _REFERENCE_VALUE,
    }


# The fewest digits a number needs after each kind of phrase.
_FEWEST_DIGITS = {"NHS_NUMBER": 9, "NI_NUMBER": 5, "REFERENCE_NUMBER": 3}
# A UK phone number's shape: 0 and ten digits, or +44. After "hospital number" it is the
# switchboard's (or the writer's) phone, and the phone finder types it.
_PHONE_SHAPED = re.compile(r"(?:\+?44|0)(?:[ -]?\d){9,10}")


def _cue_pattern(phrase: str) -> str:
    words = []
    for word in phrase.split():
        if word == "number":
            words.append(_NUMBER_WORD)
        elif word == "reference":
            words.append(_REFERENCE_WORD)
        else:
            words.append(re.escape(word) + (r"\b" if word[-1].isalnum() else ""))
    return r"[\s-]*".join(words)


@functools.cache
def _number_cues() -> dict[str, re.Pattern]:
    """For each type, a pattern for a phrase, the words after it and the number."""
    phrases: dict[str, list[str]] = {}
    for kind, phrase in _keyed_list("number_contexts.txt"):
        phrases.setdefault(kind, []).append(phrase.lower())
    gap, values = _cue_gap(), _number_values()
    return {
        kind: re.compile(
            r"(?<![A-Za-z])(?i:"
            + "|".join(_cue_pattern(p) for p in sorted(found, key=len, reverse=True))
            + rf"){gap}(?P<number>{values[kind]})"
        )
        for kind, found in phrases.items()
    }


def _introduced_number(match: re.Match, kind: str) -> bool:
    gap_words = match.group("gap").lower().split()
    if gap_words and gap_words[-1] in _context_words("when"):
        return False  # "I got a crime number in 2021", "a log number from 101"
    number = match.group("number")
    if _PHONE_SHAPED.fullmatch(number):
        return False
    return sum(c.isdigit() for c in number) >= _FEWEST_DIGITS[kind]


def _introduced_number_spans(text: str) -> list[Span]:
    """Numbers after "my NHS number is", "NI no", "hospital number", "crime ref" ...:
    personal data whatever their check digit or format."""
    return [
        Span(match.start("number"), match.end("number"), kind)
        for kind, pattern in _number_cues().items()
        for match in pattern.finditer(text)
        if _introduced_number(match, kind)
    ]


@functools.cache
def _ni_rules() -> dict[str, frozenset[str]]:
    return {
        rule.rstrip(":"): frozenset(values.upper().split())
        for rule, values in _keyed_list("ni_prefix_rules.txt")
    }


def _ni_prefix_ok(number: str) -> bool:
    """HMRC's rules for the two letters of a National Insurance number (NIM39110)."""
    rules, prefix = _ni_rules(), number[:2].upper()
    return (
        prefix[0] not in rules["first-letter-not"]
        and prefix[1] not in rules["second-letter-not"]
        and prefix not in rules["prefix-not"]
    )


def _nhs_checksum_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _number_spans(text: str) -> list[Span]:
    """NHS and NI numbers without context: only those that pass the check digit or
    HMRC's prefix rules."""
    found = []
    for match in NHS_NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if digits[0] != "0" and _nhs_checksum_ok(digits):
            found.append(Span(match.start(), match.end(), "NHS_NUMBER"))
    found += [
        Span(m.start(), m.end(), "NI_NUMBER")
        for m in NI_NUMBER.finditer(text)
        if _ni_prefix_ok(m.group())
    ]
    return found + _introduced_number_spans(text)


# Email addresses written to dodge spam filters: "name (at) example.org", "name [at]
# example [dot] org", "amina dot y at gmail dot com", "name AT example DOT co DOT uk".
# The address must end in a known domain ending (data/email_tlds.txt) or a mail
# provider (data/email_providers.txt), so "I was at home dot dot dot" is left alone.
_LOCAL_PART = r"[A-Za-z0-9_%+'-]+"
_LABEL = r"[A-Za-z0-9-]+"
_OPEN, _CLOSE = r"[\[({<]", r"[\])}>]"
_AT = rf"(?P<at>\s*{_OPEN}\s*at\s*{_CLOSE}\s*|\s+at\s+|\s*@\s*)"
_DOT = rf"(?:\s*{_OPEN}\s*dot\s*{_CLOSE}\s*|\s+dot\s+|\.)"


@functools.cache
def _disguised_email() -> re.Pattern:
    # At most six dots on either side of "at", so that long runs of "a dot b dot ..."
    # cannot make the search slow.
    endings = sorted(_word_list("email_tlds.txt"), key=len, reverse=True)
    ending = "|".join(_DOT.join(map(re.escape, e.split("."))) for e in endings)
    providers = sorted(map(re.escape, _word_list("email_providers.txt")), key=len, reverse=True)
    return re.compile(
        rf"(?<![\w.@+'%-])(?P<local>{_LOCAL_PART}(?:{_DOT}{_LOCAL_PART}){{0,5}}){_AT}"
        rf"(?:(?:{_LABEL}{_DOT}){{1,6}}(?P<ending>{ending})|(?P<provider>{'|'.join(providers)}))"
        rf"(?![\w-])(?!{_DOT}\w)",
        re.IGNORECASE,
    )


_EMAIL_CUE = re.compile(r"(?i)\b(?:e-?mail|contact|write to|reach me|message me)\b")


def _spelled_out(match: re.Match) -> bool:
    """ "(at)", "[dot]", " dot ", or an @ with nothing round it: written as an address.
    A plain " at " (or a spaced " @ ") before a dotted name may be a sentence."""
    at = match.group("at")
    return (
        at.strip().lower() not in ("at", "@")
        or at == "@"
        or bool(re.search(r"(?i)\bdot\b", match.group(0)))
    )


def _reads_as_address(match: re.Match) -> bool:
    """ "sara.begum at btinternet.com" (the name has a dot, digit, _ or -) or an email
    word shortly before ("my email is raz at hotmail.com"); not "works at Tesco.com"."""
    if re.search(r"[._\d-]", match.group("local")):
        return True
    return bool(_EMAIL_CUE.search(match.string, max(0, match.start() - 40), match.start()))


def _looks_like_email(match: re.Match) -> bool:
    local, plain_at = match.group("local"), match.group("at").strip().lower() in ("at", "@")
    if plain_at and local.lower() in _words("email_not_local_parts.txt"):
        return False  # "I looked at gov.uk"
    if match.group("provider"):
        # "amina.y at gmail", "name [at] hotmail", but not "Shaz at Sky".
        return not plain_at or re.search(r"[._\d-]", local) is not None
    if not _spelled_out(match) and not _reads_as_address(match):
        return False  # "Mum works at Tesco.com", "stuck at work.so i couldnt"
    # "Mum at home.So I went": a capitalised word straight after a full stop is a sentence.
    ending = match.group("ending")
    after_full_stop = match.string[match.start("ending") - 1] == "."
    return not (after_full_stop and ending.istitle() and len(ending) > 1)


def _email_spans(text: str) -> list[Span]:
    found = [Span(m.start(), m.end(), "EMAIL") for m in EMAIL.finditer(text)]
    return found + [
        Span(m.start(), m.end(), "EMAIL")
        for m in _disguised_email().finditer(text)
        if _looks_like_email(m)
    ]


def _regex_spans(text: str) -> list[Span]:
    found = _email_spans(text) + _number_spans(text)
    found += [Span(m.start("date"), m.end("date"), "DOB") for m in DOB.finditer(text)]
    found += [Span(m.start(), m.end(), "POSTCODE") for m in POSTCODE.finditer(text)]
    for match in ADDRESS.finditer(text):
        words = {w.lower() for w in match.group("street").split()}
        if not words & _NOT_STREET_WORDS:
            found.append(Span(match.start(), match.end(), "ADDRESS"))
    return found


def _phone_spans(text: str) -> list[Span]:
    # POSSIBLE also catches Ofcom's drama ranges. A UK number has at least 10 digits and
    # is written from 0 or +44: that keeps years, prices and NHS numbers out.
    matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    spans = []
    for match in matcher:
        digits = re.sub(r"\D", "", match.raw_string)
        international = match.raw_string.lstrip("(").startswith(("+", "00"))
        if len(digits) < 10 or not (digits.startswith("0") or international):
            continue
        start = match.start - 1 if match.start and text[match.start - 1] == "(" else match.start
        spans.append(Span(start, match.end, "PHONE"))
    spans += [Span(m.start(), m.end(), "PHONE") for m in PHONE_WRITTEN.finditer(text)]
    return spans


def _context_span(match: re.Match, group: str, start: int) -> Span | None:
    word = match.group(group)
    if word.lower() in _NOT_NAMES or (word.isupper() and len(word) > 1):
        return None  # "my son is", "called NHS"
    if word.islower() and word not in _lower_first_names():
        return None  # "my son's date of birth": only known names in lower case
    end = match.end(group)
    common = _NOT_NAMES | {w.lower() for w in AMBIGUOUS}
    position = match.start("second")
    for extra in (match.group("second") or "").split():
        if extra.lower() in common:
            break
        position = text_find = match.string.index(extra, position) + len(extra)
        end = text_find
    return Span(start, end, "NAME")


@functools.cache
def _lower_first_names() -> frozenset[str]:
    return frozenset(_lower_names(sorted(first_names())))


# "I'm Ewa", "this is Kwame", "regards, Tunde": a capitalised word right after these
# is very likely a name; everyday and identity words ("I'm British") are excluded.
# The same in lower-case writing, for names in the lists only: "i'm rukhsana btw",
# "me and kayleigh", "kamran my husband".
LOWER_CONTEXT = re.compile(
    r"\b(?:" + _cues("lower") + r")\s+"
    r"(?P<name>[a-z][a-z'-]{2,})\b"
)
LOWER_THEN_RELATION = re.compile(
    # Not after a letter, hyphen or apostrophe: a name starts a word (and a long run like
    # "a-a-a-..." is not tried from each of its letters).
    r"(?<![A-Za-z'-])(?P<name>[a-z][a-z'-]{2,}),?\s+(?:(?:is|was)\s+)?" + _RELATION + r"\b"
)
INTRODUCTION = re.compile(
    r"\b(?i:" + _cues("introduction") + r")\s+"
    rf"(?P<name>{_CAPITALISED})(?P<second>(?:\s+{_CAPITALISED}){{0,2}})"
)


def _is_identity(word: str) -> bool:
    """'Nigerian', 'Black', 'Irish-born': who someone is, not what they are called."""
    base = word.split("-")[0]
    if base in DEMONYMS:
        return True
    listed = base in first_names() or base in surnames() or base in ambiguous_names()
    return base[:1].isupper() and base.lower().endswith(DEMONYM_ENDINGS) and not listed


def _plain_name_word(word: str) -> bool:
    """A capitalised word that may be a name: not an everyday, place or identity word."""
    return (
        word[:1].isupper()
        and not word.isupper()
        and word.lower() not in _NOT_NAMES
        and word not in AMBIGUOUS
        and word.lower() not in PLACE_WORDS
        and not _is_identity(word)
        and "'" not in word
    )


def _titled_names(text: str) -> list[Span]:
    found = []
    for match in TITLE_NAME.finditer(text):
        title = match.group().split()[0]
        if "." in title and title.rstrip(".").lower() not in ABBREVIATED_TITLES:
            continue  # "a nurse. Colleagues..."
        # "Uncle Bill" keeps the title like "Mrs Patel"; "my brother kofi" is a relation.
        owner = re.search(r"\b(?i:my|our|his|her|their|your)\s+(?:\w+\s+)?$", text[: match.start()])
        relation = title.lower() in RELATIONS and owner is not None
        found.append(
            _context_span(match, "first", match.start("first") if relation else match.start())
        )
    return found


def _named_in_context(text: str) -> list[Span]:
    found = []
    for match in CONTEXT.finditer(text):
        word = match.group("name")
        if match.group("copula") and (word in AMBIGUOUS or _is_identity(word)):
            continue  # "my partner is Black British"
        found.append(_context_span(match, "name", match.start("name")))
    for match in INTRODUCTION.finditer(text):
        word = match.group("name")
        if word in AMBIGUOUS or word.lower() in _NOT_NAMES or word.isupper() or _is_identity(word):
            continue
        found.append(_context_span(match, "name", match.start("name")))
    return found


def _names_before_relations(text: str) -> list[Span]:
    found = []
    for match in NAME_THEN_RELATION.finditer(text):
        words = [match.group("name"), *match.group("second").split()]
        if all(_plain_name_word(w) or w in first_names() for w in words):
            end = match.end("second") or match.end("name")
            found.append(Span(match.start("name"), end, "NAME"))
    for match in LIST_THEN_RELATION.finditer(text):
        for part in re.finditer(_CAPITALISED, match.group("list")):
            word = part.group()
            if (_plain_name_word(word) or word in AMBIGUOUS) and not _is_identity(word):
                start = match.start("list") + part.start()
                found.append(Span(start, start + len(word), "NAME"))
    return found


def _lower_case_names(text: str) -> list[Span]:
    found = []
    for pattern in (LOWER_CONTEXT, LOWER_THEN_RELATION):
        for match in pattern.finditer(text):
            word = match.group("name").removesuffix("'s")
            if word in _lower_first_names():
                found.append(Span(match.start("name"), match.start("name") + len(word), "NAME"))
    return found


def _name_spans(text: str) -> list[Span]:
    doc = name_pipeline()(text)
    found = [Span(e.start_char, e.end_char, "NAME") for e in doc.ents]
    found += _titled_names(text) + _named_in_context(text)
    found += _names_before_relations(text) + _lower_case_names(text)
    return [span for span in found if span is not None]


def _union_names(spans: list[Span]) -> list[Span]:
    """Overlapping name findings are one name: "Mr Mohammed" + "Mohammed Ali Rahman"."""
    names = sorted(s for s in spans if s.type == "NAME")
    joined: list[Span] = []
    for span in names:
        if joined and span.start < joined[-1].end:
            joined[-1] = Span(joined[-1].start, max(joined[-1].end, span.end), "NAME")
        else:
            joined.append(span)
    return [s for s in spans if s.type != "NAME"] + joined


def _grown_over(kept: list[Span], beaten: list[Span]) -> list[Span]:
    """The kept findings, in order, each grown over the findings it beat. An address
    found from a number's last digits ("943 476 5919, Soho Road") must not leave the
    rest of the number ("943 476 [ADDRESS]"): what overlaps is removed together, under
    the type of the finding that won."""
    rank = {span: n for n, span in enumerate(kept)}
    grown: list[tuple[int, int, Span]] = []  # start, end, the winning finding
    for span in sorted(kept + beaten):
        if grown and span.start < grown[-1][1]:
            start, end, winner = grown[-1]
            if span in rank and rank[span] < rank.get(winner, len(kept)):
                winner = span
            grown[-1] = (start, max(end, span.end), winner)
        else:
            grown.append((span.start, span.end, span))
    return [Span(start, end, winner.type) for start, end, winner in grown]


def _resolve(spans: list[Span], text: str) -> list[Span]:
    """Keep the longest of overlapping findings (then the more specific type), grown
    over the ones it overlaps, and join name parts split by a hyphen or a space
    ("Kerry-Ann", "Fatima Al-Hassan")."""
    spans = _union_names(spans)
    ranked = sorted(spans, key=lambda s: (-(s.end - s.start), PRIORITY.index(s.type), s.start))
    kept: list[Span] = []
    beaten: list[Span] = []
    for span in ranked:
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(span)
        else:
            beaten.append(span)
    merged: list[Span] = []
    for span in _grown_over(kept, beaten):
        previous = merged[-1] if merged else None
        gap = text[previous.end : span.start] if previous else None
        if previous and previous.type == span.type == "NAME" and gap in ("-", " ", "-​"):
            merged[-1] = Span(previous.start, span.end, "NAME")
        else:
            merged.append(span)
    return merged


_NAME_JOIN = re.compile(r"\s*(?:,\s*)?(?:and|&)\s+|\s*,\s*")
_ONE_OR_TWO_CAPITALISED = re.compile(rf"{_CAPITALISED}(?:\s+{_CAPITALISED})?")
_LOWER_WORD = re.compile(r"[a-z][a-z'-]+")
# A capitalised word and "and" or a comma, just before a name ("Amina and Precious").
_JOINED_BEFORE = re.compile(rf"(?P<word>{_CAPITALISED})(?:\s*,\s*|\s+(?:and|&)\s+)$")
_NEXT_WORD = re.compile(rf"[ -](?P<word>{_CAPITALISED})")
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?P<year>(?:19|20)\d{2})\b")


def _extend_names(spans: list[Span], text: str) -> list[Span]:
    """Grow each name over the capitalised parts that follow it ("Ali Hassan Al-Yafai",
    "Sophie Hartley-Mensah"), and drop names that turn out to be places or brands
    ("Stoney Lane", "Madina Mosque", "Dr Martens")."""
    out = []
    for span in spans:
        if span.type != "NAME":
            out.append(span)
            continue
        end = span.end
        while len(text[span.start : end].split()) < 4:
            following = _NEXT_WORD.match(text, end)
            word = following.group("word") if following else ""
            if not (_plain_name_word(word) or word in surnames() or word in ambiguous_names()):
                break
            end = following.end()
        words = text[span.start : end].split()
        after = _NEXT_WORD.match(text, end)
        titled = words[0].rstrip(".").lower() in TITLES
        if text[span.start : end].lower() in BRANDS or all(_is_identity(w) for w in words):
            continue
        if _PLACE_OPENERS.search(text[max(0, span.start - _LOOK_BACK) : span.start]):
            continue  # the Queen Elizabeth (a hospital), St Chad's
        if not titled and (
            words[-1].lower() in PLACE_WORDS
            or (after and after.group("word").lower() in PLACE_WORDS and text[end] == " ")
        ):
            continue
        out.append(Span(span.start, end, "NAME"))
    return out


def _name_after(name: Span, text: str) -> Span | None:
    joined = _NAME_JOIN.match(text, name.end)
    if not joined:
        return None
    following = _ONE_OR_TWO_CAPITALISED.match(text, joined.end())
    if following is None:
        low = _LOWER_WORD.match(text, joined.end())
        if low and low.group() in _lower_first_names():
            return Span(joined.end(), joined.end() + len(low.group()), "NAME")
        return None
    kept = []
    for word in following.group().split():
        if _is_identity(word) or not (_plain_name_word(word) or word in ambiguous_names()):
            break
        kept.append(word)
    if not kept or kept[0] in ("The", "A"):
        return None
    return Span(joined.end(), joined.end() + len(" ".join(kept)), "NAME")


def _name_before(name: Span, text: str) -> Span | None:
    window = max(0, name.start - _LOOK_BACK)
    before = _JOINED_BEFORE.search(text, window, name.start)
    if not before:
        return None
    word = before.group("word")
    listed = word in first_names() or word in surnames() or word in ambiguous_names()
    if not listed or _is_identity(word):
        return None
    return Span(before.start("word"), before.end("word"), "NAME")


def _coordinated_names(spans: list[Span], text: str) -> list[Span]:
    """ "Amina and Precious", "Li Na and Zhang Wei": a word joined to a found name by
    "and" or a comma, and shaped like a name, is a name too."""
    extra = []
    for name in (s for s in spans if s.type == "NAME"):
        extra += [_name_after(name, text), _name_before(name, text)]
    return spans + [span for span in extra if span is not None]


def _dates_after_names(spans: list[Span], text: str) -> list[Span]:
    """'Nicola Brennan, 16/03/1990, 48 Moat Lane': a date of an adult's birth year
    straight after a name is a date of birth."""
    name_ends = {s.end for s in spans if s.type == "NAME"}
    latest_birth_year = date.today().year - 10
    found = []
    for match in _NUMERIC_DATE.finditer(text):
        lead = re.search(r",\s*$", text[: match.start()])
        if lead and lead.start() in name_ends and int(match.group("year")) <= latest_birth_year:
            found.append(Span(match.start(), match.end(), "DOB"))
    return found


def find(text: str) -> list[Span]:
    names = _extend_names(_name_spans(text), text)
    names = _extend_names(_coordinated_names(_resolve(names, text), text), text)
    spans = _regex_spans(text) + _phone_spans(text) + names
    return _resolve(spans + _dates_after_names(names, text), text)


def redact(text: str, spans: list[Span]) -> str:
    """Replace each span with a typed placeholder such as [NAME] or [PHONE]."""
    out, position = [], 0
    for span in sorted(spans):
        out.append(text[position : span.start])
        out.append(f"[{span.type}]")
        position = span.end
    out.append(text[position:])
    return "".join(out)


def scan(text: str) -> dict:
    spans = find(text)
    return {"redacted": redact(text, spans), "spans": [s.as_dict() for s in spans]}


def evaluate(items: list[dict]) -> dict:
    """Recall per type (a labelled span counts as caught when a finding of the same type
    covers it), and the findings that touch no labelled span (false alarms)."""
    gold: dict[str, int] = dict.fromkeys(TYPES, 0)
    caught: dict[str, int] = dict.fromkeys(TYPES, 0)
    false_alarms: dict[str, int] = dict.fromkeys(TYPES, 0)
    clean_texts = clean_left_alone = 0
    for item in items:
        found = find(item["text"])
        labelled = item.get("spans", [])
        for span in labelled:
            gold[span["type"]] += 1
            caught[span["type"]] += any(
                f.type == span["type"] and f.start <= span["start"] and f.end >= span["end"]
                for f in found
            )
        for finding in found:
            if not any(finding.start < s["end"] and finding.end > s["start"] for s in labelled):
                false_alarms[finding.type] += 1
        if not labelled:
            clean_texts += 1
            clean_left_alone += not found
    return {
        "texts": len(items),
        "recall": {t: round(caught[t] / gold[t], 4) if gold[t] else None for t in TYPES},
        "labelled": gold,
        "false_alarms": false_alarms,
        "texts_without_personal_data_left_alone": (
            round(clean_left_alone / clean_texts, 4) if clean_texts else None
        ),
    }
