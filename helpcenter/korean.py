"""Korean text helpers every app may need: syllables and jamo, initial consonants, particles, and
Korean typed with the keyboard left in English mode.

Hangul syllables are composed arithmetically (Unicode 3.12): syllable = 0xAC00 + (initial × 21 +
medial) × 28 + final. Everything here works on that arithmetic and the standard 2-set (두벌식)
layout, which is what nearly every Korean keyboard uses.
"""

from __future__ import annotations

import re

SYLLABLE_FIRST, SYLLABLE_LAST = 0xAC00, 0xD7A3

INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
FINALS = (
    "",
    "ㄱ",
    "ㄲ",
    "ㄳ",
    "ㄴ",
    "ㄵ",
    "ㄶ",
    "ㄷ",
    "ㄹ",
    "ㄺ",
    "ㄻ",
    "ㄼ",
    "ㄽ",
    "ㄾ",
    "ㄿ",
    "ㅀ",
    "ㅁ",
    "ㅂ",
    "ㅄ",
    "ㅅ",
    "ㅆ",
    "ㅇ",
    "ㅈ",
    "ㅊ",
    "ㅋ",
    "ㅌ",
    "ㅍ",
    "ㅎ",
)

HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")
INITIALS_ONLY = re.compile(rf"^[{INITIALS}]+$")

# The 2-set layout: what each Latin key types when the keyboard is in Korean mode.
_KEYS = {
    "q": "ㅂ",
    "w": "ㅈ",
    "e": "ㄷ",
    "r": "ㄱ",
    "t": "ㅅ",
    "y": "ㅛ",
    "u": "ㅕ",
    "i": "ㅑ",
    "o": "ㅐ",
    "p": "ㅔ",
    "a": "ㅁ",
    "s": "ㄴ",
    "d": "ㅇ",
    "f": "ㄹ",
    "g": "ㅎ",
    "h": "ㅗ",
    "j": "ㅓ",
    "k": "ㅏ",
    "l": "ㅣ",
    "z": "ㅋ",
    "x": "ㅌ",
    "c": "ㅊ",
    "v": "ㅍ",
    "b": "ㅠ",
    "n": "ㅜ",
    "m": "ㅡ",
    "Q": "ㅃ",
    "W": "ㅉ",
    "E": "ㄸ",
    "R": "ㄲ",
    "T": "ㅆ",
    "O": "ㅒ",
    "P": "ㅖ",
}
_COMPOUND_MEDIALS = {
    ("ㅗ", "ㅏ"): "ㅘ",
    ("ㅗ", "ㅐ"): "ㅙ",
    ("ㅗ", "ㅣ"): "ㅚ",
    ("ㅜ", "ㅓ"): "ㅝ",
    ("ㅜ", "ㅔ"): "ㅞ",
    ("ㅜ", "ㅣ"): "ㅟ",
    ("ㅡ", "ㅣ"): "ㅢ",
}
_COMPOUND_FINALS = {
    ("ㄱ", "ㅅ"): "ㄳ",
    ("ㄴ", "ㅈ"): "ㄵ",
    ("ㄴ", "ㅎ"): "ㄶ",
    ("ㄹ", "ㄱ"): "ㄺ",
    ("ㄹ", "ㅁ"): "ㄻ",
    ("ㄹ", "ㅂ"): "ㄼ",
    ("ㄹ", "ㅅ"): "ㄽ",
    ("ㄹ", "ㅌ"): "ㄾ",
    ("ㄹ", "ㅍ"): "ㄿ",
    ("ㄹ", "ㅎ"): "ㅀ",
    ("ㅂ", "ㅅ"): "ㅄ",
}
_SPLIT_FINALS = {compound: pair for pair, compound in _COMPOUND_FINALS.items()}


def is_syllable(char: str) -> bool:
    return SYLLABLE_FIRST <= ord(char) <= SYLLABLE_LAST


def initial_consonants(text: str) -> str:
    """초성: 환불 → ㅎㅂ. Characters that are not syllables are dropped."""
    return "".join(INITIALS[(ord(ch) - SYLLABLE_FIRST) // 588] for ch in text if is_syllable(ch))


def is_initials_query(text: str) -> bool:
    """True for text typed as initial consonants only, such as ㅂㅁㅂㅎ (spaces allowed)."""
    compact = text.replace(" ", "")
    return len(compact) >= 2 and bool(INITIALS_ONLY.match(compact))


def compose(initial: str, medial: str, final: str = "") -> str:
    """The syllable of these jamo: compose("ㅎ", "ㅘ", "ㄴ") → 환."""
    return chr(SYLLABLE_FIRST + (INITIALS.index(initial) * 21 + MEDIALS.index(medial)) * 28 + FINALS.index(final))


_JAMO_KEYS = {jamo: key for key, jamo in _KEYS.items()}
_JAMO_KEYS.update({compound: _JAMO_KEYS[a] + _JAMO_KEYS[b] for (a, b), compound in _COMPOUND_MEDIALS.items()})
_JAMO_KEYS.update({compound: _JAMO_KEYS[a] + _JAMO_KEYS[b] for (a, b), compound in _COMPOUND_FINALS.items()})


def to_english_keyboard(text: str) -> str:
    """What Hangul looks like typed with the keyboard in English mode: 환불 → ghksqnf."""
    out = []
    for char in text:
        parts = decompose(char) if is_syllable(char) else None
        out.append("".join(_JAMO_KEYS[jamo] for jamo in parts if jamo) if parts else char)
    return "".join(out)


def from_english_keyboard(text: str) -> str | None:
    """The Hangul a person meant when they typed with the keyboard in English mode: ghksqnf → 환불.

    Returns None unless every letter composes into a complete syllable, so that an English word
    (refund → ㄱㄷ려ㅜㅇ) is never mistaken for Korean.
    """
    if not text or not re.fullmatch(r"[A-Za-z ]+", text):
        return None
    out: list[str] = []
    initial = medial = final = ""
    complete = True

    def flush() -> None:
        nonlocal initial, medial, final, complete
        if initial and medial:
            out.append(compose(initial, medial, final))
        elif initial or medial:
            out.append(initial or medial)
            complete = False
        initial = medial = final = ""

    for key in text:
        if key == " ":
            flush()
            out.append(" ")
            continue
        jamo = _KEYS.get(key) or _KEYS.get(key.lower())
        if jamo in MEDIALS:
            if initial and not medial:
                medial = jamo
            elif medial and not final and (medial, jamo) in _COMPOUND_MEDIALS:
                medial = _COMPOUND_MEDIALS[(medial, jamo)]
            elif final:
                # The last consonant belongs to the next syllable: 한+ㅏ → 하나.
                if final in _SPLIT_FINALS:
                    final, carried = _SPLIT_FINALS[final]
                else:
                    final, carried = "", final
                flush()
                initial, medial = carried, jamo
            else:
                flush()
                medial = jamo
        else:
            if initial and medial and not final and jamo in FINALS:
                final = jamo
            elif final and (final, jamo) in _COMPOUND_FINALS:
                final = _COMPOUND_FINALS[(final, jamo)]
            else:
                flush()
                initial = jamo
    flush()
    result = "".join(out).strip()
    return result if complete and result else None


# Particles (조사) and common verb endings customers attach to the word they mean, longest first.
# Stripping them makes 환불을, 환불은 and 환불이 the same word as 환불.
_SUFFIXES = sorted(
    """
    을 를 이 가 은 는 에 에서 에게 께 께서 한테 으로 로 와 과 의 도 만 까지 부터 이나 나 랑 이랑 이라 라 요 이요
    처럼 보다 마다 조차 밖에 이란 란 이에요 예요 입니다 이다 인데 인가요 인지 이면 이며 에도 에는 에서는 으로는 로는 과는 와는
    하기 하고 하는 하면 하려면 하려고 하려는 하다 해요 해서 했는데 했어요 했습니다 했다 합니다 할 할까요 하나요 하는데 하지
    해도 하는법 하는방법 되나요 되요 돼요 되지 되는 되고 되면 됐어요 된 됩니다 안돼요 안됨 안됨요 안되요 됨 함
    """.split(),
    key=len,
    reverse=True,
)


PARTICLES = tuple(_SUFFIXES)

# Looked up by length rather than tried one by one: indexing calls this for every word of every
# article, and a hundred endswith() calls per word were most of the indexing time.
_SUFFIXES_BY_LENGTH = {
    length: frozenset(suffix for suffix in _SUFFIXES if len(suffix) == length)
    for length in sorted({len(suffix) for suffix in _SUFFIXES}, reverse=True)
}


def strip_particle(word: str) -> str:
    """환불을 → 환불, 해지하려면 → 해지. Keeps at least one syllable; only Hangul words change."""
    for length, suffixes in _SUFFIXES_BY_LENGTH.items():
        if len(word) > length and word[-length:] in suffixes:
            return word[:-length]
    return word


def decompose(syllable: str) -> tuple[str, str, str] | None:
    """(initial, medial, final) of a Hangul syllable, final "" when open; None for anything else."""
    if not is_syllable(syllable):
        return None
    code = ord(syllable) - SYLLABLE_FIRST
    return INITIALS[code // 588], MEDIALS[(code % 588) // 28], FINALS[code % 28]


def to_jamo(text: str) -> str:
    """Hangul spelt out jamo by jamo (환불 → ㅎㅘㄴㅂㅜㄹ), for comparing words letter by letter."""
    out = []
    for char in text:
        parts = decompose(char)
        out.append("".join(parts) if parts else char)
    return "".join(out)
