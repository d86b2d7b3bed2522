from helpcenter.korean import from_english_keyboard, initial_consonants, is_initials_query, strip_particle


def test_english_keyboard_is_read_as_korean():
    assert from_english_keyboard("ghksqnf") == "환불"
    assert from_english_keyboard("qlalfqjsgh") == "비밀번호"
    assert from_english_keyboard("rufwp") == "결제"
    assert from_english_keyboard("wndqhr rufwp") == "중복 결제"


def test_keyboard_handles_compound_vowels_and_finals_and_shift():
    assert from_english_keyboard("ehlsek") == "된다"  # ㅚ, and ㄴ moves to the next syllable
    assert from_english_keyboard("dkswwk") == "앉자"  # ㄵ then ㅈ starts the next syllable
    assert from_english_keyboard("dkswhk") == "안좌"  # ㄵ split: its ㅈ moves on when a vowel follows
    assert from_english_keyboard("dks") == "안"
    assert from_english_keyboard("RkR") == "깎"  # Shift+R is ㄲ


def test_english_words_are_not_mistaken_for_korean():
    for word in ["refund", "password", "money", "help", "spotify"]:
        assert from_english_keyboard(word) is None, word
    assert from_english_keyboard("환불") is None
    assert from_english_keyboard("") is None


def test_initial_consonants():
    assert initial_consonants("환불") == "ㅎㅂ"
    assert initial_consonants("비밀번호 재설정") == "ㅂㅁㅂㅎㅈㅅㅈ"
    assert is_initials_query("ㅂㅁㅂㅎ")
    assert is_initials_query("ㅎㅂ ㅅㅊ")
    assert not is_initials_query("ㅎ")
    assert not is_initials_query("환불")


def test_particles_are_stripped():
    for word in ["환불을", "환불은", "환불이", "환불에서", "환불은요"]:
        assert strip_particle(strip_particle(word)) == "환불", word
    assert strip_particle("해지하려면") == "해지"
    assert strip_particle("결제가") == "결제"
    assert strip_particle("환불") == "환불"
