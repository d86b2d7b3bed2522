"""A first set of canned replies in Korean and English, so agents can answer from day one.

A data migration rather than demo content: a real help desk needs them as much as the demo does.
Each is added only if no reply has its title, so replies agents have edited are never overwritten;
undoing the migration leaves them (they may have been edited since).
"""

from django.db import migrations

REPLIES = [
    (
        "[KO] 접수 확인",
        "안녕하세요, {{ name }}님.\n\n"
        "고객센터입니다. 보내 주신 문의({{ reference }})를 잘 받았습니다. 담당자가 내용을 확인하고 있으며, "
        "확인되는 대로 다시 안내해 드리겠습니다.\n\n감사합니다.",
    ),
    (
        "[KO] 추가 정보 요청 (기기·앱 버전)",
        "안녕하세요, {{ name }}님.\n\n"
        "정확히 확인하기 위해 아래 정보를 이 메일에 회신으로 보내 주시겠어요?\n\n"
        "- 사용 중인 기기 모델 (예: 갤럭시 S24, 아이폰 15)\n"
        "- 운영체제 버전 (예: Android 15, iOS 18)\n"
        "- 앱 버전 (앱의 설정 > 앱 정보에서 확인할 수 있습니다)\n"
        "- 문제가 생긴 시각과 화면에 나온 메시지 또는 스크린샷\n\n"
        "정보를 받는 대로 바로 확인하겠습니다. 감사합니다.",
    ),
    (
        "[KO] 비밀번호 재설정 안내",
        "안녕하세요, {{ name }}님.\n\n"
        "비밀번호는 로그인 화면의 '비밀번호 찾기'에서 직접 재설정하실 수 있습니다. 가입하신 이메일 주소를 "
        "입력하시면 재설정 링크를 보내 드립니다.\n\n"
        "메일이 보이지 않으면 스팸함도 확인해 주세요. 그래도 받지 못하셨다면 이 메일에 회신해 주시기 바랍니다.",
    ),
    (
        "[KO] 중복 결제 환불 안내",
        "안녕하세요, {{ name }}님.\n\n"
        "같은 요금이 두 번 결제되어 불편을 드려 죄송합니다. 중복 결제는 환불해 드립니다. 고객센터의 "
        "'환불 신청' 페이지에서 결제일과 금액을 적고 카드 명세서나 결제 내역 화면을 첨부해 신청해 주시면, "
        "검토한 뒤 결과를 이메일로 알려 드리겠습니다.\n\n"
        "구글 플레이나 앱 스토어에서 결제하셨다면 해당 스토어에 환불을 요청해 주셔야 합니다.",
    ),
    (
        "[KO] 재생 오류 기본 점검",
        "안녕하세요, {{ name }}님.\n\n"
        "재생이 원활하지 않아 불편을 드려 죄송합니다. 아래 방법을 차례로 시도해 보시겠어요?\n\n"
        "1. 앱을 최신 버전으로 업데이트하기\n"
        "2. 앱을 완전히 종료한 뒤 다시 실행하기\n"
        "3. 기기를 다시 시작하기\n"
        "4. 와이파이와 모바일 데이터를 바꿔 가며 연결 확인하기\n\n"
        "그래도 계속 문제가 생기면 이 메일에 회신해 주세요. 사용 중인 기기와 앱 버전을 함께 적어 주시면 "
        "더 빨리 확인할 수 있습니다.",
    ),
    (
        "[KO] 회신 요청 (답변 대기)",
        "안녕하세요, {{ name }}님.\n\n"
        "지난번에 요청드린 정보를 아직 받지 못해 다시 연락드립니다. 문의({{ reference }})를 계속 진행하려면 "
        "이 메일에 회신해 주세요. 이미 해결되셨다면 그렇다고 알려 주셔도 좋습니다.",
    ),
    (
        "[KO] 해결 후 마무리",
        "안녕하세요, {{ name }}님.\n\n"
        "문의하신 '{{ subject }}' 건은 해결된 것으로 보고 마무리하려고 합니다. 같은 문제가 다시 생기면 "
        "이 메일에 회신해 주세요. 문의가 다시 열립니다.\n\n이용해 주셔서 감사합니다.",
    ),
    (
        "[EN] Request received",
        "Hello {{ name }},\n\n"
        "Thank you for contacting us. We have received your request ({{ reference }}) and an agent is looking "
        "into it. We will get back to you as soon as we know more.\n\nKind regards,\nCustomer support",
    ),
    (
        "[EN] More details needed (device and app version)",
        "Hello {{ name }},\n\n"
        "To look into this properly, could you reply to this e-mail with:\n\n"
        "- your device model (for example Galaxy S24 or iPhone 15)\n"
        "- its operating system version (for example Android 15 or iOS 18)\n"
        "- the app version (in the app under Settings > About)\n"
        "- when the problem happened, and the message or a screenshot of the screen\n\n"
        "We will pick it up as soon as we hear from you.\n\nKind regards,\nCustomer support",
    ),
    (
        "[EN] Resetting a password",
        "Hello {{ name }},\n\n"
        "You can reset your password yourself: tap \"Forgot password\" on the log-in screen and enter the "
        "e-mail address of your account, and we will send you a link to set a new one.\n\n"
        "If the e-mail does not arrive, please check your spam folder, then reply to this e-mail if it is "
        "still missing.\n\nKind regards,\nCustomer support",
    ),
    (
        "[EN] Duplicate charge refund",
        "Hello {{ name }},\n\n"
        "We are sorry you were charged twice. A duplicate charge is refunded: please file a refund request on "
        "the Help Center's Refunds page with the charge date and amount, and attach your card statement or a "
        "screenshot of the payment. We will review it and e-mail you the outcome.\n\n"
        "If you paid through Google Play or the App Store, the refund has to be requested from that store.\n\n"
        "Kind regards,\nCustomer support",
    ),
    (
        "[EN] Playback problems: first checks",
        "Hello {{ name }},\n\n"
        "Sorry that playback is not working well. Could you try these steps in order?\n\n"
        "1. Update the app to the latest version.\n"
        "2. Close the app completely and open it again.\n"
        "3. Restart your device.\n"
        "4. Switch between Wi-Fi and mobile data to rule out the connection.\n\n"
        "If it still happens, reply to this e-mail with your device and app version and we will look further."
        "\n\nKind regards,\nCustomer support",
    ),
    (
        "[EN] Waiting for your reply",
        "Hello {{ name }},\n\n"
        "We have not yet heard back about the details we asked for. To carry on with your request "
        "({{ reference }}), please reply to this e-mail; if it is solved in the meantime, just let us know."
        "\n\nKind regards,\nCustomer support",
    ),
    (
        "[EN] Solved: closing the request",
        "Hello {{ name }},\n\n"
        "We believe your request \"{{ subject }}\" is now solved, so we are closing it. If the problem comes "
        "back, simply reply to this e-mail and the request will open again.\n\n"
        "Thank you for your patience,\nCustomer support",
    ),
]


def seed(apps, schema_editor):
    CannedReply = apps.get_model("tickets", "CannedReply")
    for title, body in REPLIES:
        CannedReply.objects.using(schema_editor.connection.alias).get_or_create(title=title, defaults={"body": body})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_assign_others_permission")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
