"""The theme model's architecture, registered in spaCy's public registry.

A linear bag of features: each word, normalised, and the character n-grams of that word
(as fastText does). Character n-grams carry meaning across spelling variants and
inflections ("mieszkanie", "mieszkaniu"; "ghar", "gher"), across scripts where spaCy's
tokenizer has no rules of its own, and across words typed with or without diacritics.
Built only from thinc's public layers (SparseLinear_v2, Logistic), so spaCy can be
upgraded without touching it. `spacy train` finds it through `--code` or by importing
`engage.nlp.themes`.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Sequence

import numpy
import spacy
from spacy.attrs import ORTH
from spacy.tokens import Doc
from thinc.api import Logistic, Model, SparseLinear_v2, chain

# Letters that mean the same to a reader but differ in code points: Arabic and Urdu
# forms of yeh, kaf, heh and alef, and Polish ł (which has no decomposition).
_SAME_LETTER = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ې": "ی",
        "ك": "ک",
        "ه": "ہ",
        "ة": "ہ",
        "ھ": "ہ",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ł": "l",
        "ـ": "",  # tatweel, a stretching stroke with no meaning
    }
)
# Keep the feature cache of a long-lived worker bounded (words seen, not texts).
_CACHE_LIMIT = 200_000
_EMPTY_KEYS = numpy.zeros((0,), dtype="uint64")
# Word caches (ORTH id -> keys) by feature layer id, for the last few layers used.
_CACHES: dict[int, dict[int, numpy.ndarray]] = {}
_CACHED_MODELS = 3
# The top bit of a 32-bit key says whether it is a character n-gram or a whole word.
_NGRAM_BIT = 0x80000000
_WORD_MASK = 0x7FFFFFFF
# Shorter words are their own n-grams, near enough: "<the>", "<bus>" add nothing new.
_NGRAM_MIN_WORD = 4


def normalise(word: str) -> str:
    """Case folded, marks removed (é, ż, ș; Arabic short vowels), look-alike letters
    made one. Only for features: the resident's text is never changed."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare).translate(_SAME_LETTER)


def word_features(word: str, min_n: int, max_n: int) -> list[int]:
    """Stable 32-bit keys for a word and its character n-grams (with < > boundaries)."""
    norm = normalise(word)
    if not any(ch.isalnum() for ch in norm):
        return []
    keys = [zlib.crc32(norm.encode()) & _WORD_MASK]
    if len(norm) < _NGRAM_MIN_WORD:
        return keys
    padded = f"<{norm}>"
    for n in range(min_n, max_n + 1):
        for start in range(len(padded) - n + 1):
            keys.append(zlib.crc32(padded[start : start + n].encode()) | _NGRAM_BIT)
    return keys


def _cache_for(model: Model) -> dict[int, numpy.ndarray]:
    cache = _CACHES.get(model.id)
    if cache is None:
        if len(_CACHES) >= _CACHED_MODELS:  # cross-validation makes a model a fold
            _CACHES.pop(next(iter(_CACHES)))
        cache = _CACHES[model.id] = {}
    return cache


def _words_keys(model: Model, vocab, orths: list[int]) -> list[numpy.ndarray]:
    """Each word's feature keys, from the cache or worked out once and cached. The
    cache is kept beside the model, never in it (it would be saved with the weights)."""
    cache = _cache_for(model)
    found = list(map(cache.get, orths))
    missing = [i for i, keys in enumerate(found) if keys is None]
    if len(cache) + len(missing) > _CACHE_LIMIT:
        cache.clear()
    min_n, max_n = model.attrs["min_n"], model.attrs["max_n"]
    for i in missing:
        keys = word_features(vocab.strings[orths[i]], min_n, max_n)
        found[i] = cache[orths[i]] = numpy.asarray(keys, dtype="uint64")
    return found


def batch_features(model: Model, docs: Sequence[Doc]):
    """The feature keys of each text, for a whole batch at once. Each distinct word of a
    text counts once (its key and its n-grams); an n-gram shared by two different words
    counts twice, as in fastText. Each distinct word of the batch is looked up once and
    numpy does the rest, so there is no Python step per word of a text."""
    n_docs = len(docs)
    per_doc = [doc.to_array(ORTH) for doc in docs]
    tokens_per_doc = numpy.asarray([len(orths) for orths in per_doc], dtype="int64")
    if not tokens_per_doc.sum():
        return _EMPTY_KEYS, numpy.zeros((n_docs,), dtype="int32")
    words, token_word = numpy.unique(numpy.concatenate(per_doc), return_inverse=True)
    word_keys = _words_keys(model, docs[0].vocab, words.tolist())
    sizes = numpy.fromiter(map(len, word_keys), dtype="int64", count=len(word_keys))
    # Spellings of one normalised word ("Bus", "BUS", "bus") are one word: each maps
    # to the first of them, found by the word's own key (0 for words with no features).
    own_key = numpy.fromiter((k[0] if len(k) else 0 for k in word_keys), "uint64", len(words))
    _, first, same = numpy.unique(own_key, return_index=True, return_inverse=True)
    token_word = first[same][token_word]
    # Each text's distinct words: (text, word) packed in one number, sorted by text.
    token_doc = numpy.repeat(numpy.arange(n_docs, dtype="int64"), tokens_per_doc)
    pairs = _distinct((token_doc << 32) | token_word.astype("int64"))
    pair_doc, pair_word = pairs >> 32, pairs & 0xFFFFFFFF
    table = numpy.concatenate(word_keys)
    starts = numpy.cumsum(sizes) - sizes
    pair_sizes = sizes[pair_word]
    # For each (text, word), the positions of the word's keys in the table.
    offsets = numpy.cumsum(pair_sizes) - pair_sizes
    within = numpy.arange(pair_sizes.sum()) - numpy.repeat(offsets, pair_sizes)
    keys = table[numpy.repeat(starts[pair_word], pair_sizes) + within]
    lengths = numpy.bincount(pair_doc, weights=pair_sizes, minlength=n_docs)
    return keys, lengths.astype("int32")


def _distinct(values: numpy.ndarray) -> numpy.ndarray:
    """Sorted distinct values (numpy's own unique hashes, much slower on 64-bit ints)."""
    values = numpy.sort(values)
    keep = numpy.empty(len(values), dtype=bool)
    keep[:1] = True
    numpy.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _feature_forward(model: Model, docs: Sequence[Doc], is_train: bool):
    keys, lengths = batch_features(model, docs)
    # A repeated word counts once: a long account that repeats it is not more sure of it.
    # A word's n-grams weigh less than the word, so whole words lead where they are known.
    values = numpy.where(
        keys & numpy.uint64(_NGRAM_BIT), numpy.float32(model.attrs["ngram_weight"]), 1.0
    ).astype("float32")
    ops = model.ops
    output = (
        ops.asarray(keys, dtype="uint64"),
        ops.asarray(values, dtype="float32"),
        ops.asarray(lengths, dtype="int32"),
    )
    return output, lambda d_output: []


def feature_extractor(min_n: int, max_n: int, ngram_weight: float) -> Model:
    return Model(
        "engage_word_and_char_ngrams",
        _feature_forward,
        attrs={"min_n": min_n, "max_n": max_n, "ngram_weight": ngram_weight},
    )


@spacy.registry.architectures("engage.CharNgramBOW.v1")
def char_ngram_bow(
    min_n: int = 3,
    max_n: int = 5,
    ngram_weight: float = 1.0,
    length: int = 524288,
    nO: int | None = None,
) -> Model:
    """Multi-label text classifier: words and character n-grams into a sparse linear
    layer and a logistic output per theme."""
    linear = SparseLinear_v2(nO=nO, length=length)
    model = chain(feature_extractor(min_n, max_n, ngram_weight), linear, Logistic())
    model.set_ref("output_layer", linear)
    model.attrs["multi_label"] = True
    return model
