from helpcenter.masking import luhn_valid, mask_sensitive, rrn_valid

VALID_RRN = "900101-1123459"  # check digit computed with the official weights


def test_card_numbers_keep_only_their_last_four_digits():
    for card in ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "5500 0000 0000 0004"]:
        masked = mask_sensitive(f"카드 {card} 로 결제")
        assert card not in masked
        assert masked == f"카드 ************{card[-4:]} 로 결제"
    assert mask_sensitive("3782 822463 10005") == "***********0005"  # Amex, 15 digits


def test_numbers_that_fail_the_luhn_check_are_left_alone():
    assert mask_sensitive("주문번호 4111 1111 1111 1112") == "주문번호 4111 1111 1111 1112"
    assert mask_sensitive("전화 010-1234-5678") == "전화 010-1234-5678"
    assert not luhn_valid("4111111111111112")


def test_resident_registration_numbers_are_masked_entirely():
    assert rrn_valid("900101", "1123459")
    assert mask_sensitive(f"주민번호 {VALID_RRN} 입니다") == "주민번호 ******-******* 입니다"
    assert mask_sensitive("주민번호 9001011123459") == "주민번호 ******-*******"


def test_resident_numbers_with_a_wrong_check_digit_are_left_alone():
    assert not rrn_valid("900101", "1123458")
    assert mask_sensitive("900101-1123458") == "900101-1123458"
    assert mask_sensitive("991399-1123459") == "991399-1123459"  # no 13th month
