from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from faq.portable import import_document

# Property-based tests: no per-example deadline (the machine is shared, so a slow example is no
# failure), and under mutmut the same examples every time, so a mutant's verdict does not depend on
# luck. HYPOTHESIS_PROFILE=thorough tries ten times as many examples.
hypothesis_settings.register_profile("default", deadline=None)
hypothesis_settings.register_profile("mutation", deadline=None, derandomize=True, database=None)
hypothesis_settings.register_profile("thorough", deadline=None, max_examples=1000)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("mutation" if os.environ.get("MUTANT_UNDER_TEST") is not None else "default")
)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> None:
    # When a property fails, hypothesis's plugin writes a patch adding the failing example, through
    # libcst; with the libcst that mutmut brings, that crashes the whole run (INTERNALERROR,
    # AttributeError: __provides__) instead of reporting the failure. The failing example is in
    # the failure's own message anyway, so the patch is not asked for.
    item.__dict__.pop("_hypothesis_failing_examples", None)


SMALL_CORPUS = {
    "categories": [
        {"slug": "refund", "name": {"ko": "환불", "en": "Refunds"}},
        {"slug": "account", "name": {"ko": "계정·로그인", "en": "Account & log-in"}},
        {"slug": "playback", "name": {"ko": "재생·앱", "en": "Playback & apps"}},
    ],
    "articles": [
        {
            "slug": "refund-policy",
            "category": "refund",
            "tags": ["환불", "refund"],
            "translations": {
                "ko": {
                    "title": "환불 정책 안내",
                    "body": "## 환불이 가능한 경우\n\n환불은 **중복 결제**, 서비스 장애, 사용하지 않은 구매의 7일 이내 "
                    "청약철회에 한해 가능합니다. 일반적인 해지는 환불 대상이 아닙니다.",
                },
                "en": {
                    "title": "Our refund policy",
                    "body": "Refunds are given for duplicate charges, service failures and unused purchases "
                    "withdrawn within 7 days. Ordinary cancellations are not refunded.",
                },
            },
        },
        {
            "slug": "request-refund",
            "category": "refund",
            "tags": ["환불 신청"],
            "translations": {
                "ko": {
                    "title": "환불 신청 방법과 준비할 것",
                    "body": "아이디, 계정 이메일, 요금제, 결제 증빙을 준비해 주세요. 신청 후 승인되면 환불이 진행됩니다.",
                },
                "en": {
                    "title": "How to request a refund",
                    "body": "Prepare your username, account e-mail, plan and evidence of the charge.",
                },
            },
        },
        {
            "slug": "reset-password",
            "category": "account",
            "tags": ["비밀번호", "password"],
            "translations": {
                "ko": {
                    "title": "비밀번호 재설정 방법",
                    "body": "비밀번호를 잊으셨나요? 로그인 화면에서 **비밀번호 찾기**를 누르고 이메일로 받은 링크를 여세요.",
                },
                "en": {
                    "title": "Resetting your password",
                    "body": "Forgot your password? Tap *Forgot password* on the log-in screen and open the e-mailed link.",
                },
            },
        },
        {
            "slug": "app-crashes",
            "category": "playback",
            "tags": ["앱", "오류"],
            "translations": {
                "ko": {
                    "title": "앱이 갑자기 종료될 때",
                    "body": "앱이 강제 종료되면 앱을 최신 버전으로 업데이트하고 기기를 다시 시작해 보세요.",
                },
            },
        },
    ],
}


@pytest.fixture(autouse=True)
def fresh_cache():
    # The search keeps synonyms and document counts in the cache, and its spelling vocabulary in
    # the process; each test starts without them.
    from faq.search import forget_synonyms, forget_vocabulary

    cache.clear()
    forget_vocabulary()
    forget_synonyms()  # the lexicon is kept per content generation, which each test's rollback rewinds
    yield
    cache.clear()
    forget_vocabulary()


@pytest.fixture
def without_lexicon(db):
    """No synonyms at all: the migration's shipped lexicon removed, to test the mechanism alone."""
    from faq import search
    from faq.models import Synonym

    Synonym.objects.all().delete()
    search.forget_synonyms()


@pytest.fixture
def corpus(db):
    """A small published FAQ in Korean and English (one article only in Korean)."""
    import copy

    import_document(copy.deepcopy(SMALL_CORPUS))
    return SMALL_CORPUS


@pytest.fixture
def demo(db):
    from django.core.management import call_command

    call_command("load_demo", stdout=open("/dev/null", "w"))
