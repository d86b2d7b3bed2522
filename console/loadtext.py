"""What the generated customers write and the agents answer (console/loadgen.py): the problems a
streaming service hears about, in Korean as customers type it (particles, no spaces, 안돼요) and in
English for the tenth of tickets written in English."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    topic: str
    word: str  # the Korean word an agent would search for
    subjects: dict[str, tuple[str, ...]]
    bodies: dict[str, tuple[str, ...]]


PROBLEMS = (
    Problem(
        "payment",
        "결제",
        {
            "ko": ("카드 결제가 두 번 됐어요", "결제취소 요청합니다", "이번 달 요금이 이상해요"),
            "en": ("Charged twice this month", "Please cancel this payment"),
        },
        {
            "ko": (
                "이번 달 프리미엄 요금이 두 번 결제되었습니다. 확인 부탁드립니다.",
                "어제 결제를 취소했는데 카드 명세서에 아직 남아 있어요.",
                "요금제를 바꾸지 않았는데 결제 금액이 올랐습니다. 왜 그런가요?",
            ),
            "en": (
                "My card was charged twice for the Premium plan this month. Please check.",
                "I cancelled the payment yesterday but it is still on my card statement.",
            ),
        },
    ),
    Problem(
        "refund",
        "환불",
        {
            "ko": ("환불은 언제 되나요", "환불 요청드립니다", "해지했는데 환불이 안 됐어요"),
            "en": ("When will I get my refund?", "Refund request"),
        },
        {
            "ko": (
                "지난주에 해지했는데 환불이 아직 들어오지 않았습니다.",
                "실수로 연간 이용권을 샀어요. 사용하지 않았으니 환불받고 싶습니다.",
                "환불을 신청한 지 열흘이 지났는데 아무 연락이 없습니다.",
            ),
            "en": (
                "I cancelled last week and the refund has not arrived yet.",
                "I bought the yearly plan by mistake and never used it. I would like a refund.",
            ),
        },
    ),
    Problem(
        "account",
        "로그인",
        {
            "ko": ("로그인이 안 돼요", "비밀번호재설정 메일이 안 와요", "계정이 잠겼어요"),
            "en": ("Cannot log in", "Password reset e-mail never arrives"),
        },
        {
            "ko": (
                "비밀번호를 바꾼 뒤로 앱에서 로그인이 되지 않습니다.",
                "비밀번호 재설정 메일을 세 번 요청했는데 한 통도 오지 않았어요.",
                "다른 기기에서 로그인했더니 계정이 잠겼다고 나옵니다.",
            ),
            "en": (
                "Since I changed my password the app will not let me log in.",
                "I asked for the password reset e-mail three times and nothing came.",
            ),
        },
    ),
    Problem(
        "playback",
        "재생",
        {
            "ko": ("동영상이 재생되지 않아요", "화면이 검게 나와요", "자막이 안 나와요"),
            "en": ("Videos will not play", "Black screen with sound only"),
        },
        {
            "ko": (
                "앱에서 동영상을 누르면 검은 화면만 나오고 소리만 들립니다.",
                "티비 앱에서 재생 버튼을 누르면 계속 로딩만 돼요.",
                "영화를 보는데 자막이 갑자기 사라졌습니다.",
            ),
            "en": (
                "When I press play the screen stays black and I only hear the sound.",
                "On the TV app the video keeps buffering and never starts.",
            ),
        },
    ),
    Problem(
        "subscription",
        "구독",
        {
            "ko": ("요금제를 바꾸고 싶어요", "가족 요금제 문의", "구독해지 방법"),
            "en": ("How do I change my plan?", "Family plan question"),
        },
        {
            "ko": (
                "가족 요금제로 바꾸려면 어떻게 해야 하나요?",
                "다음 달부터 구독을 해지하고 싶습니다. 방법을 알려 주세요.",
                "학생 할인을 받을 수 있는지 궁금합니다.",
            ),
            "en": (
                "How do I move to the Family plan?",
                "I want to cancel my subscription from next month. How do I do that?",
            ),
        },
    ),
    Problem(
        "other",
        "알림",
        {
            "ko": ("문의드립니다", "알림이 너무 많이 와요"),
            "en": ("Question", "Too many notifications"),
        },
        {
            "ko": (
                "앱 알림이 너무 자주 옵니다. 끄는 방법을 알려 주세요.",
                "광고 메일을 더 이상 받고 싶지 않습니다.",
            ),
            "en": (
                "The app sends far too many notifications. How do I turn them off?",
                "I no longer want to receive marketing e-mails.",
            ),
        },
    ),
)

FOLLOW_UPS = {
    "ko": (
        "답변 감사합니다. 말씀하신 대로 했는데도 똑같아요.",
        "확인했습니다. 해결됐어요, 감사합니다!",
        "아직도 안 돼요. 다시 확인해 주실 수 있나요?",
    ),
    "en": (
        "Thanks, I did what you said but nothing changed.",
        "That fixed it, thank you!",
        "It still does not work. Could you check again?",
    ),
}
ANSWERS = {
    "ko": (
        "안녕하세요, 고객센터입니다. 확인해 보니 중복 결제가 맞습니다. 환불 절차를 안내해 드리겠습니다.",
        "불편을 드려 죄송합니다. 앱을 최신 버전으로 업데이트한 뒤 다시 시도해 주세요.",
        "문의하신 내용은 설정 > 알림 메뉴에서 바꾸실 수 있습니다.",
        "말씀하신 계정을 확인했습니다. 비밀번호 재설정 링크를 다시 보내 드렸습니다.",
    ),
    "en": (
        "Hello, this is customer support. We checked and the charge was indeed taken twice; here is how the refund works.",
        "Sorry for the trouble. Please update the app to the latest version and try again.",
        "You can change this under Settings > Notifications.",
    ),
}
NAMES = [
    "김민준",
    "이서연",
    "박지호",
    "최수아",
    "정도윤",
    "강하은",
    "조예준",
    "윤지우",
    "장서준",
    "임채원",
    "Emma Park",
    "James Lee",
]


def conversation(number: int, problem: Problem, language: str, count: int) -> list[tuple[bool, str]]:
    """(from an agent, body) of a ticket's messages: the question first, then answers and replies.

    A function of the ticket's number rather than of the random generator, so that the search
    documents written after the messages have exactly the messages' words."""
    bodies = problem.bodies[language]
    turns = [(False, bodies[number % len(bodies)])]
    for turn in range(1, count):
        if turn % 2:
            answers = ANSWERS[language]
            turns.append((True, answers[(number + turn) % len(answers)]))
        else:
            replies = FOLLOW_UPS[language]
            turns.append((False, replies[(number + turn) % len(replies)]))
    return turns


def subject(number: int, problem: Problem, language: str) -> str:
    subjects = problem.subjects[language]
    return subjects[(number // 7) % len(subjects)]
