"""Text analysis: how text and queries become search terms, for the FAQ search (faq/search/) and
the agents' ticket search (tickets/search.py) alike.

Why character bigrams: Korean glues particles and endings to words (환불을, 환불은) and customers
often leave spaces out (비밀번호재설정). After particles and verb endings are stripped, every Hangul
word is indexed as its overlapping two-syllable pieces (비밀번호 → 비밀 밀번 번호), the way Lucene's
CJK analyser does, so a query matches whatever spacing it was typed with; a word of three syllables
or more is also indexed whole, which ranks the exact word higher and gives spelling correction a
vocabulary of real words. English words are stemmed with Snowball (refunds → refund).

Verb and adjective forms are reduced to their stem by rules (bench/README.md compares them with a
morphological analyser): endings are peeled off (바꾸고, 바꾸기, 바꿨는데 → 바꾸; 돌려받을 → 돌려받)
and contracted vowels undone (바꿔 → 바꾸, 돼 → 되, 나와 → 나오, 해 → 하). "Doesn't work" said any
way (안 돼요, 안 나와요, 안 나요, 안돼요, 나오지 않아요) becomes one term, COMPLAINT.

Every word's terms are memoised: help articles repeat the same few thousand words, so indexing
50,000 articles analyses each distinct word once.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import chain

import snowballstemmer

from helpcenter.korean import PARTICLES, compose, decompose, initial_consonants, strip_particle

MAX_TERM_LENGTH = 64
MAX_QUERY_LENGTH = 200
WHOLE_WORD_SYLLABLES = 3  # words this long are indexed whole as well as in bigrams

TOKEN = re.compile(r"[\uac00-\ud7a3]+|[a-z0-9]+(?:'[a-z]+)?|[\u3131-\u314e]+")
ENGLISH_STOPWORDS = frozenset(
    "a an and are as at be but by can do does for from has have how i if in into is it its my no not of on or "
    "our so than that the their then there these they this to was we what when where which who why will with "
    "you your me am been being did doing".split()
)

# "It doesn't work", in the words customers and articles use for it: after 안/못, or before 않/못.
COMPLAINT = "안되"
NEGATIONS = frozenset({"안", "못"})
_FUSED_COMPLAINTS = ("안돼", "안되", "안됨", "안됌")
COMPLAINT_VERBS = frozenset({"되", "나오", "나", "안되", "먹", "들리", "열리", "뜨"})

_stemmer = snowballstemmer.stemmer("english")

# Words that say how the customer feels or asks, not what about: kept, but they weigh little in a
# query (ranking.WEAK_WEIGHT), so that 안 or 어떻게 never outranks the word that names the problem.
_WEAK_KOREAN = (
    "안 못 왜 어떻 어떡 어떡하 뭐 뭔가 싶 싶어 싶은 주 수 되 하 있 있어 없 없어 않 않아 것 거 좀 제 저 내 나 요 때 자꾸 "
    "계속 그냥 이거 그거"
)
_WEAK_ENGLISH = (
    "please pls plz want wanna need try tried trying get cant dont doesnt isnt wont didnt couldnt help hello hi"
)
WEAK_TERMS = frozenset(_WEAK_KOREAN.split()) | frozenset(_stemmer.stemWord(word) for word in _WEAK_ENGLISH.split())

# Verb and adjective endings, longest first. Stripped only when at least two syllables remain, so
# that nouns such as 광고, 해지 and 기기 keep their last syllable (particles are stripped by
# helpcenter.korean.strip_particle, which may leave one syllable: 앱이 → 앱).
_VERB_ENDINGS = sorted(
    """
    고 고요 고서 기 기가 기도 기는 기를 기로 는데 는데요 은데 은데요 던데 던데요 는지 은지 을지 을까 을까요 을래 을래요
    게 게요 도록 려고 려고요 려면 려는데 으려고 으려면 면 으면 면요 서 서요 어서 아서 어도 아도 어요 아요 여요 어 아
    었 았 였 었어 았어 었어요 았어요 였어요 었는데 았는데 었는데요 았는데요 었다 았다 었고 았고 었지 았지 었나 았나
    었나요 았나요 나요 네요 죠 지요 지만 는 은 던 을 다 는다 요 니다 니까 니까요 습니다 습니까 세요 으세요 셨 셨어요
    시나요 시면 래요 래 까 게요 거예요 걸요 대요 잖아 잖아요 거든 거든요
    """.split(),
    key=len,
    reverse=True,
)
# How many syllables each ending must leave: one for particles (앱이 → 앱) and for endings of two
# syllables or more (주세요 → 주, 받아요 → 받), two for one-syllable verb endings.
_ENDINGS_KEEP: dict[str, int] = {ending: 1 if len(ending) >= 2 else 2 for ending in _VERB_ENDINGS}
_ENDINGS_KEEP.update({particle: 1 for particle in PARTICLES})
_ENDINGS_BY_LENGTH = {
    length: {ending: keep for ending, keep in _ENDINGS_KEEP.items() if len(ending) == length}
    for length in sorted({len(ending) for ending in _ENDINGS_KEEP}, reverse=True)
}
_SHORT_VERB_ENDINGS = frozenset("어아여고기면서게")  # 받아, 받고, 받기: a one-syllable verb and its ending
_AFTER_RIEUL = frozenset({"래요", "래", "까요", "까", "게요", "거예요", "걸요"})
_SENTENCE_ENDS = frozenset({"니다", "니까", "니까요", "니다만"})
# A one-syllable verb said with its ending fused into it: 될, 된, 됨, 할, 한, 함, 난, 날.
_FUSED_SYLLABLES = {
    "될": "되",
    "된": "되",
    "됨": "되",
    "됌": "되",
    "돼": "되",
    "됐": "되",
    "됩": "되",
    "할": "하",
    "한": "하",
    "함": "하",
    "했": "하",
    "합": "하",
    "해": "하",
    "난": "나",
    "날": "나",
    "남": "나",
    "났": "나",
    "와": "오",
    "왔": "오",
    "봐": "보",
    "봤": "보",
    "써": "쓰",
    "썼": "쓰",
    "꺼": "끄",
    "껐": "끄",
    "떠": "뜨",
    "떴": "뜨",
    "줘": "주",
    "갔": "가",
    "샀": "사",
    "줬": "주",
}
# Contracted stem vowel + 어/아: 바꿔 = 바꾸+어, 나와 = 나오+아, 돼 = 되+어, 돌려 = 돌리+어.
_UNCONTRACT = {"ㅝ": "ㅜ", "ㅘ": "ㅗ", "ㅙ": "ㅚ"}
_YEO_AFTER = frozenset("ㄹㅈㅊㅇ")  # 려 져 쳐 여 are 리 지 치 이 + 어; 켜 and 펴 are stems of their own


def normalise(text: str) -> str:
    """The form a query is logged and matched in: lower case, single spaces, no edge punctuation."""
    # NUL and other control characters mean nothing in a query (and PostgreSQL refuses NUL).
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text or "")
    text = re.sub(r"\s+", " ", text.strip().lower())
    return text[:MAX_QUERY_LENGTH]


def is_hangul(token: str) -> bool:
    return "\uac00" <= token[0] <= "\ud7a3"


def _strip_ending(word: str) -> str:
    for length, endings in _ENDINGS_BY_LENGTH.items():
        if len(word) > length:
            keep = endings.get(word[-length:])
            if keep is not None and len(word) >= length + keep:
                stem = word[:-length]
                if word[-length:] in _SENTENCE_ENDS:
                    stem = _drop_final(stem, "ㅂ")  # 됩니다 → 되, 바뀝니다 → 바뀌
                elif word[-length:] in _AFTER_RIEUL:
                    stem = _drop_final(stem, "ㄹ")  # 바꿀래요 → 바꾸, 할까요 → 하
                return stem
    return word


def _drop_final(word: str, final: str) -> str:
    parts = decompose(word[-1])
    if parts is None or parts[2] != final:
        return word
    return word[:-1] + compose(parts[0], parts[1])


def _uncontract(word: str) -> str:
    """Undo what an ending left in the stem's last syllable: a past ㅆ, a fused 어/아, a ㅂ of ㅂ니다."""
    if len(word) == 1:
        return _FUSED_SYLLABLES.get(word, word)  # 왜 and 뭐 are words, not contractions
    parts = decompose(word[-1])
    if parts is None:
        return word
    initial, medial, final = parts
    if final == "ㅆ":  # 바꿨 → 바꿔, 받았 → 받아
        final = ""
        if initial == "ㅇ" and medial in "ㅓㅏㅕ" and len(word) > 1:  # the 었/았/였 syllable itself
            return word[:-1] if medial != "ㅕ" else word[:-1] + "하"
    if final:
        return word
    if medial in _UNCONTRACT:
        medial = _UNCONTRACT[medial]
    elif medial == "ㅕ" and initial in _YEO_AFTER:
        medial = "ㅣ"
    elif medial == "ㅐ" and initial == "ㅎ":  # 해 = 하+여
        medial = "ㅏ"
    return word[:-1] + compose(initial, medial, final)


@lru_cache(maxsize=200_000)
def korean_stem(word: str) -> str:
    """The stem customers and articles share: 환불은요 → 환불, 바꿨는데 → 바꾸, 돌려받을 → 돌려받."""
    stem = word
    for _ in range(3):  # 환불은요 → 환불은 → 환불; 바꿨는데요 → 바꿨 → 바꾸
        shorter = _strip_ending(stem)
        if shorter == stem:
            break
        stem = shorter
    stem = _uncontract(stem)
    if len(stem) >= 3 and stem.endswith("하"):
        stem = stem[:-1]  # 확인해 → 확인하 → 확인: a noun and 하다 are the noun
    return stem


@lru_cache(maxsize=200_000)
def hangul_terms(word: str) -> tuple[str, ...]:
    stem = korean_stem(word)
    if len(stem) == 1:
        return (stem,)
    terms = [stem[i : i + 2] for i in range(len(stem) - 1)]
    if len(stem) >= WHOLE_WORD_SYLLABLES:
        terms.append(stem)
    if len(stem) == 2:
        # A two-syllable word may be a one-syllable word and its ending (앱이, 받아, 없어): keep both readings.
        shorter = strip_particle(stem)
        if len(shorter) == 1:
            terms.append(shorter)
        elif stem[1] in _SHORT_VERB_ENDINGS or decompose(stem[1])[2] == "ㅆ":
            terms.append(_uncontract(stem[0]))
    return tuple(terms)


@lru_cache(maxsize=100_000)
def english_term(word: str) -> str | None:
    if word in ENGLISH_STOPWORDS:
        return None
    word = word.replace("'", "")
    if word.isdigit():
        return word
    return _stemmer.stemWord(word)


@lru_cache(maxsize=200_000)
def token_terms(token: str) -> tuple[str, ...]:
    """The terms of one token on its own, without what the words around it change."""
    if is_hangul(token):
        if token.startswith(_FUSED_COMPLAINTS):
            return ("안", COMPLAINT)
        terms = hangul_terms(token)
        if any(fused in token for fused in _FUSED_COMPLAINTS):
            terms += (COMPLAINT,)  # 결제안돼요
        return terms
    if "\u3131" <= token[0] <= "\u314e":
        return (token[:MAX_TERM_LENGTH],)
    term = english_term(token)
    return (term[:MAX_TERM_LENGTH],) if term else ()


def analyse(text: str) -> list[str]:
    """Every term of a text, repeated as often as it occurs (term frequency matters)."""
    terms: list[str] = []
    tokens = TOKEN.findall((text or "").lower())
    negated = False
    for position, token in enumerate(tokens):
        if not is_hangul(token):
            terms.extend(token_terms(token))
            negated = False
            continue
        stem = korean_stem(token)
        word_terms = token_terms(token)
        following = tokens[position + 1] if position + 1 < len(tokens) else ""
        not_after = following.startswith(("않", "못"))  # 나오지 않아요, 되지 못해요
        if not_after and stem.endswith("지") and len(token) > 1:
            # 지 is left on words otherwise (해지, 구독해지); before 않 it is the verb's ending.
            stem, word_terms = korean_stem(token[:-1]), token_terms(token[:-1])
        if stem in COMPLAINT_VERBS and (negated or not_after):
            terms.append(COMPLAINT)  # 안 돼요, 안 나와요, 안 나요: the same complaint
        else:
            terms.extend(word_terms)
            if not_after and token.endswith(("되지", "돼지", "나오지", "나지")):
                terms.append(COMPLAINT)  # 재생되지 않아요
        negated = stem in NEGATIONS
    return terms


# Where the words around a word change its terms: a negation before it, 않/못 after it.
_IN_CONTEXT = re.compile(r"(?<![\uac00-\ud7a3])[안못]\s+[\uac00-\ud7a3]+|[\uac00-\ud7a3]+지\s+[않못]")


def term_counts(text: str) -> Counter[str]:
    """Counter(analyse(text)), computed per distinct word: what indexing a long body needs."""
    text = (text or "").lower()
    # Counted in C: token_terms is memoised, and chaining its tuples into a Counter does no Python
    # work per word (a loop over the distinct words was a third of indexing).
    counts = Counter(chain.from_iterable(map(token_terms, TOKEN.findall(text))))
    if "안" in text or "못" in text or "않" in text:
        for match in _IN_CONTEXT.finditer(text):
            phrase = match.group(0)
            counts.update(analyse(phrase))
            counts.subtract(term for token in TOKEN.findall(phrase) for term in token_terms(token))
        return +counts
    return counts


def initials_terms(text: str) -> list[str]:
    """Initial-consonant terms of title and tag words: 비밀번호 → ㅂㅁㅂㅎ and its pairs ㅂㅁ ㅁㅂ ㅂㅎ."""
    terms: list[str] = []
    for word in _HANGUL_WORD.findall(text or ""):
        terms.extend(_word_initials(word))
    return terms


_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")


@lru_cache(maxsize=100_000)
def _word_initials(word: str) -> tuple[str, ...]:
    initials = initial_consonants(strip_particle(word))
    if len(initials) < 2:
        return ()
    if len(initials) == 2:
        return (initials,)
    return (initials, *(initials[i : i + 2] for i in range(len(initials) - 1)))


def surface_words(text: str) -> list[str]:
    """What to mark in titles and snippets for a query text: its stems and their pieces."""
    words = []
    for token in TOKEN.findall(text.lower()):
        if is_hangul(token):
            stem = korean_stem(token)
            if stem in WEAK_TERMS or stem in NEGATIONS or stem == COMPLAINT:
                continue  # marking 안 in 안내 and 동안 would point at the wrong words
            words.append(stem)
            if len(stem) > 2:
                words.extend(stem[i : i + 2] for i in range(len(stem) - 1))
        elif token not in ENGLISH_STOPWORDS and len(token) > 1:
            term = english_term(token)
            if term and term not in WEAK_TERMS:
                words.append(term)
    return words
