"""The starting refund policy rules, made after `migrate` when a reason has none yet.

The console's groups and their permissions live in helpcenter/roles.py.
"""

from __future__ import annotations

from refunds.models import PolicyRule
from refunds.policy import DEFAULT_RULES


def ensure_policy_rules(sender=None, **kwargs) -> None:
    for reason, values in DEFAULT_RULES.items():
        if not PolicyRule.objects.filter(reason=reason).exists():
            PolicyRule.objects.create(reason=reason, **values)
