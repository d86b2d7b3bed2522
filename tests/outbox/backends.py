"""Mail backends for the outbox tests: one that is always down, one that writes down what it sent."""

from __future__ import annotations

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the SMTP server is down")


class RecordingBackend(BaseEmailBackend):
    """Appends each Message-ID to the file named by OUTBOX_TEST_DELIVERIES (one short write per
    line, so several worker processes can share the file), taking OUTBOX_TEST_SEND_SECONDS per
    message like a real SMTP conversation."""

    def send_messages(self, email_messages):
        pause = float(os.environ.get("OUTBOX_TEST_SEND_SECONDS", "0"))
        for message in email_messages:
            time.sleep(pause)
            with open(os.environ["OUTBOX_TEST_DELIVERIES"], "a") as handle:
                handle.write(message.extra_headers["Message-ID"] + "\n")
        return len(email_messages)
