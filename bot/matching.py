"""Find the NHS roles a message names: exact lemma phrases first, then typo-tolerant fuzzy ones.

Exact layer: a spaCy PhraseMatcher on folded lemmas (plurals, possessives, hyphens and case go),
plus a case-sensitive ORTH matcher for short aliases that are also English words ("SALT").
Fuzzy layer: rapidfuzz over word n-grams; a word found in the English lexicon is taken as spelt
as meant, so "paramedik" finds paramedic while "nursery", "work" or "pay" find nothing.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, cast

import numpy as np
import spacy
from rapidfuzz import fuzz, process
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.lookups import Table, load_lookups
from spacy.matcher import PhraseMatcher
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

SHORT = 4            # one-word names this short (OT, ODP, HCA, GP) match only exactly, as tokens
FUZZY_MIN = 80.0     # fuzz.ratio a misspelt phrase needs ("paramedik" 89, "midwif" 92)
JOINED_MIN = 92.0    # ratio with spaces removed: "health care assistant", "physio therapist"
LOOSE_MIN = 70.0     # suggest(): near misses
PARTIAL = 0.75       # weight for a word that ends several titles ("radiographer")
TIE = 2.0            # scores this close on one span are a tie, so best() is not sure
GENERIC_HEADS = frozenset(
    "worker assistant practitioner associate technician therapist scientist officer manager "
    "support specialist consultant administrator engineer analyst coordinator lead".split())
BORING = frozenset(
    "work working worker job jobs pay paid money salary career careers role roles nhs hospital "
    "health care help thanks thank hello people patient patients team staff course degree "
    "training study general service services clinical".split())
_BREAK = "\x00"      # lemma of punctuation, which no phrase may span
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u2013": "-", "\u2014": "-"})


@dataclass(frozen=True)
class RoleEntry:
    """A role as the catalogue holds it."""

    slug: str
    title: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """A role found in a message."""

    slug: str
    title: str
    score: float        # 0..100
    matched: str        # the text span in the message that matched
    exact: bool         # True for a phrase (lemma) match, False for a fuzzy one


class _Hit(NamedTuple):
    start: int          # token range in the message
    end: int
    slug: str
    score: float
    exact: bool
    size: int           # words in the role name matched: longer names win
    title: bool         # matched the title rather than an alias
    partial: bool       # only the last word of a longer name


class _Shared(NamedTuple):
    nlp: spacy.Language
    lemmas: Table
    common: frozenset[str]      # stop words and inflectable words: "salt", "it"
    lexicon: frozenset[str]     # every English word the lookups know


_shared: _Shared | None = None
_lock = threading.RLock()       # spaCy's tokenizer cache and StringStore mutate on every call


def _pipeline() -> _Shared:
    """The shared blank-English pipeline with a lookup lemmatizer, built once (offline)."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                nlp = spacy.blank("en")
                nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
                nlp.initialize()  # tables come from spacy-lookups-data, no download
                lemmatizer = cast(Lemmatizer, nlp.get_pipe("lemmatizer"))
                lemmas = lemmatizer.lookups.get_table("lemma_lookup")
                common = frozenset(STOP_WORDS) | frozenset(lemmas.values())
                index = load_lookups("en", ["lemma_index"]).get_table("lemma_index")
                words = {w for pos in ("noun", "verb", "adj", "adv") for w in index.get(pos, ())}
                _shared = _Shared(nlp, lemmas, common, common | {w for w in words if "_" not in w})
    return _shared


@lru_cache(maxsize=65536)
def _lemma(word: str) -> str:
    """Lower-case lemma; "childrens" is read as "children's"."""
    table = _pipeline().lemmas
    key = table.get(word, word)
    if key == word and len(word) > 3 and word.endswith("s") and word[:-1] in table:
        key = table[word[:-1]]
    return key


@lru_cache(maxsize=65536)
def _is_word(word: str) -> bool:
    return word in _pipeline().lexicon or word in _pipeline().lemmas


def _tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(text, lemma key, start char, end char) per token; hyphens and possessives dropped."""
    with _lock:
        doc = _pipeline().nlp.make_doc(text.translate(_FOLD))
    out = []
    for tok in doc:
        word = tok.text
        if tok.is_space or word.lower() == "'s" or not word.strip("'-"):
            continue
        key = ("and" if word in ("&", "+") else _lemma(word.lower())
               if any(c.isalnum() for c in word) else _BREAK)
        out.append((word, key, tok.idx, tok.idx + len(word)))
    return out


@lru_cache(maxsize=16384)
def _phrase(name: str) -> tuple[str, ...]:
    """Lemma keys of a role name, cached across matcher rebuilds."""
    return tuple(key for _, key, _, _ in _tokens(name) if key != _BREAK)


def _pairs(queries: list[str], choices: list[str], cutoff: float) -> list[tuple[int, int, float]]:
    """(query index, choice index, fuzz.ratio) for every pair scoring at least ``cutoff``."""
    if not queries or not choices:
        return []
    scores = process.cdist(queries, choices, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.float32)
    return [(int(q), int(c), round(float(scores[q, c]), 1)) for q, c in zip(*np.nonzero(scores), strict=True)]


def _far(word: str, name: str) -> bool:
    """Short words may only be a letter longer or shorter: "Denis" is not "dentist"."""
    return min(len(word), len(name)) < 8 and abs(len(word) - len(name)) > 1


class RoleMatcher:
    """Matches messages against a fixed list of roles; rebuild it when the roles change."""

    def __init__(self, entries: Iterable[RoleEntry]) -> None:
        shared = _pipeline()
        vocab = shared.nlp.vocab
        self._titles: dict[str, str] = {}
        self._order: dict[str, int] = {}
        names: dict[tuple[str, ...], list[tuple[str, bool]]] = {}   # lemma keys -> (slug, title?)
        orth: dict[str, list[tuple[str, bool]]] = {}
        for entry in entries:
            if entry.slug in self._titles:
                continue
            self._titles[entry.slug] = entry.title
            self._order[entry.slug] = len(self._order)
            for i, name in enumerate((entry.title, *entry.aliases)):
                keys, name = _phrase(name), name.strip()
                if len(keys) == 1 and len(name) <= SHORT and name.lower() in shared.common:
                    orth.setdefault(name, []).append((entry.slug, i == 0))   # "SALT", not "salt"
                elif keys:
                    names.setdefault(keys, []).append((entry.slug, i == 0))
        self._vocab = {key for keys in names for key in keys}
        self._labels: dict[int, list[tuple[str, bool, int]]] = {}    # label -> (slug, title?, size)
        self._exact = PhraseMatcher(vocab, attr="LEMMA")
        self._orth = PhraseMatcher(vocab, attr="ORTH")
        with _lock:
            for keys, owners in names.items():
                label = "lemma:" + " ".join(keys)
                self._labels[vocab.strings.add(label)] = [(s, t, len(keys)) for s, t in owners]
                self._exact.add(label, [Doc(vocab, words=list(keys), lemmas=list(keys))])
            for word, owners in orth.items():
                label = "orth:" + word
                self._labels[vocab.strings.add(label)] = [(s, t, 1) for s, t in owners]
                self._orth.add(label, [Doc(vocab, words=[word]), Doc(vocab, words=[word + "s"])])
        self._index(names)

    def _index(self, names: dict[tuple[str, ...], list[tuple[str, bool]]]) -> None:
        """Fuzzy choices: every name but short one-word ones, by word count; last words; words."""
        self._choices: dict[int, tuple[list[str], list[list[tuple[str, bool]]]]] = {}
        self._joined: tuple[list[str], list[tuple[int, list[tuple[str, bool]]]]] = ([], [])
        heads: dict[str, set[str]] = {}
        words: dict[str, set[str]] = {}
        for keys, owners in names.items():
            if len(keys) == 1 and len(keys[0]) <= SHORT:
                continue
            strings, meta = self._choices.setdefault(len(keys), ([], []))
            strings.append(" ".join(keys))
            meta.append(owners)
            self._joined[0].append("".join(keys))
            self._joined[1].append((len(keys), owners))
            for key in keys:
                words.setdefault(key, set()).update(s for s, _ in owners)
            if len(keys) > 1 and (keys[-1],) not in names and len(keys[-1]) > SHORT:
                heads.setdefault(keys[-1], set()).update(s for s, _ in owners)
        self._heads = {h: sorted(s, key=self._order.__getitem__) for h, s in heads.items()}
        self._strict_heads = [h for h, s in heads.items() if len(s) <= 3
                              and h not in GENERIC_HEADS and h not in BORING]
        self._words = {w: sorted(s, key=self._order.__getitem__) for w, s in words.items() if len(w) > SHORT
                       and w not in STOP_WORDS and w not in BORING and w not in GENERIC_HEADS}
        self._max_words = max(self._choices, default=1)

    # -- public ----------------------------------------------------------------------------
    def match(self, text: str, limit: int = 5) -> list[Candidate]:
        """Roles the message names, best first, one per slug."""
        toks, hits = self._analyse(text, loose=False)
        return self._rank(text, toks, self._select(hits), limit)

    def best(self, text: str) -> Candidate | None:
        """The one role the message names, or None when there is none or it is unclear."""
        toks, hits = self._analyse(text, loose=False)
        chosen = [h for h in self._select(hits) if not h.partial]
        if len({h.slug for h in chosen}) != 1 or max(h.score for h in chosen) < FUZZY_MIN:
            return None
        return self._candidate(text, toks, max(chosen, key=lambda h: (h.score, h.title)))

    def find_all(self, text: str) -> list[Candidate]:
        """Every distinct role named, in order of appearance (one per span)."""
        toks, hits = self._analyse(text, loose=False)
        spans: set[tuple[int, int]] = set()
        out: dict[str, Candidate] = {}
        for h in sorted(self._select(hits), key=lambda h: (h.start, -h.score, not h.title)):
            if not h.partial and (h.start, h.end) not in spans:   # one role per span
                spans.add((h.start, h.end))
                out.setdefault(h.slug, self._candidate(text, toks, h))
        return list(out.values())

    def suggest(self, text: str, limit: int = 3) -> list[Candidate]:
        """Looser near misses, for "I don't have that one; did you mean...?"."""
        out = {c.slug: c for c in self.match(text, limit)}
        toks, hits = self._analyse(text, loose=True)
        for c in self._rank(text, toks, hits, len(hits)):
            out.setdefault(c.slug, c)
        return list(out.values())[:limit]

    # -- internals -------------------------------------------------------------------------
    def _analyse(self, text: str, loose: bool) -> tuple[list[tuple[str, str, int, int]], list[_Hit]]:
        if not (toks := _tokens(text or "")):
            return toks, []
        keys = [self._fold(k) for _, k, _, _ in toks]
        with _lock:
            doc = Doc(_pipeline().nlp.vocab, words=[t[0] for t in toks], lemmas=keys)
            found = self._exact(doc) + self._orth(doc)
        hits = [_Hit(s, e, slug, 100.0, True, size, title, False)
                for label, s, e in found for slug, title, size in self._labels[label]]
        return toks, hits + self._fuzzy(toks, keys, hits, loose)

    def _fold(self, key: str) -> str:
        """Plural of a role word the lemma table lacks: "HCAs", "physios"."""
        folded = _lemma(key[:-1]) if key.endswith("s") and key not in self._vocab else key
        return folded if folded in self._vocab else key

    def _fuzzy(self, toks: list, keys: list[str], exact: list[_Hit], loose: bool) -> list[_Hit]:
        """Hits for misspelt n-grams (1..longest name + 1 words) that no exact hit covers."""
        lower = [t[0].lower() for t in toks]
        grams: list[tuple[int, int]] = []
        for i in range(len(keys)):
            for n in range(1, self._max_words + 2):
                gram = keys[i:i + n]
                if len(gram) < n or _BREAK in gram or gram[0] in STOP_WORDS:
                    break
                if gram[-1] in STOP_WORDS or any(h.start <= i and i + n <= h.end for h in exact):
                    continue
                if n > 1 or (lower[i].isalpha() and len(lower[i]) > SHORT and lower[i] not in BORING
                             and (loose or not _is_word(lower[i]))):   # English words are meant
                    grams.append((i, n))
        hits: list[_Hit] = []
        cutoff = LOOSE_MIN if loose else FUZZY_MIN
        for n, (strings, meta) in self._choices.items():
            idx = [i for i, m in grams if m == n]
            for q, c, score in _pairs([" ".join(keys[i:i + n]) for i in idx], strings, cutoff):
                i, target = idx[q], strings[c].split(" ")
                if (n == 1 and not loose and _far(keys[i], strings[c])) or not (loose or all(
                        k == t or fuzz.ratio(k, t) >= (90 if _is_word(w) else 60)
                        for w, k, t in zip(lower[i:i + n], keys[i:i + n], target, strict=False))):
                    continue   # in a phrase, too an English word must be (nearly) the name's own
                hits += [_Hit(i, i + n, s, score, False, n, t, False) for s, t in meta[c]]
        joined, jmeta = self._joined
        for q, c, score in _pairs(["".join(keys[i:i + n]) for i, n in grams], joined, JOINED_MIN):
            (i, n), (size, owners) = grams[q], jmeta[c]
            if size != n:   # identical but for spaces counts as exact
                hits += [_Hit(i, i + n, s, score, score == 100, size, t, False) for s, t in owners]
        heads = list(self._heads) if loose else self._strict_heads
        singles = [i for i, n in grams if n == 1]
        singles += [i for i, key in enumerate(keys) if key in heads and i not in singles]
        for q, c, score in _pairs([keys[i] for i in singles], heads, cutoff):
            if loose or not _far(keys[singles[q]], heads[c]):   # the last word of a longer name
                hits += [_Hit(singles[q], singles[q] + 1, s, round(PARTIAL * score, 1), False, 1,
                              True, True) for s in self._heads[heads[c]]]
        if loose:                                      # a word shared with a name: "dental"
            for i, key in enumerate(keys):
                hits += [_Hit(i, i + 1, s, 60.0, False, 1, True, True) for s in self._words.get(key, ())]
        return hits

    def _select(self, hits: list[_Hit]) -> list[_Hit]:
        """Longest names first, then score; overlaps dropped except near-ties on the same span."""
        chosen: list[_Hit] = []
        order = sorted(hits, key=lambda h: (h.partial, -h.size, -h.score, h.start - h.end, not h.exact,
                                            not h.title, h.start, self._order[h.slug]))
        for h in order:   # a tie keeps both, unless it is an alias against another's title
            if all((c.start, c.end, c.partial) == (h.start, h.end, h.partial) and c.slug != h.slug
                   and c.score - h.score <= TIE and (h.title or not c.title)
                   for c in chosen if c.start < h.end and h.start < c.end):
                chosen.append(h)
        return chosen

    def _rank(self, text: str, toks: list, hits: list[_Hit], limit: int) -> list[Candidate]:
        out: dict[str, Candidate] = {}
        for h in sorted(hits, key=lambda h: (-h.score, h.start, not h.title, self._order[h.slug])):
            out.setdefault(h.slug, self._candidate(text, toks, h))
        return list(out.values())[:limit]

    def _candidate(self, text: str, toks: list, h: _Hit) -> Candidate:
        return Candidate(h.slug, self._titles[h.slug], h.score,
                         text[toks[h.start][2]:toks[h.end - 1][3]], h.exact)
