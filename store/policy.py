"""An agency's policy overrides in the store: set by name, validated, and audited.

The overrides sit on top of the agency's published settings for every nightly run and hand move
(`overridable_rules` among them, rules.md section 8). A change appends an audit event with the
overrides before and after.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError

from models import PolicyOverrides
from models.common import InputError, describe_validation_error
from scheduler.rules.codes import OFFICER_RULES, unknown_officer_rules
from store.audit import record
from store.db import Store
from store.locking import hold_agencies
from store.records import ensure_agency

log = logging.getLogger(__name__)


def set_policy(store: Store, agency: str, changes: dict[str, Any]) -> PolicyOverrides:
    """Merge `changes` into the agency's overrides (a None value removes one); all or nothing."""
    with store.write() as session:
        row = ensure_agency(session, agency)
        hold_agencies(session, [agency])
        before = dict(row.policy_overrides or {})
        merged = {k: v for k, v in {**before, **changes}.items() if v is not None}
        try:
            overrides = PolicyOverrides.model_validate(merged)
        except ValidationError as exc:
            raise describe_validation_error(exc, merged) from exc
        unknown = unknown_officer_rules(overrides.overridable_rules or [])
        if unknown is not None:
            raise InputError(f"overridable_rules[{unknown[0]}]",
                             f"no officer rule {unknown[1]!r} (known: {', '.join(OFFICER_RULES)})")
        row.policy_overrides = overrides.model_dump(mode="json")
        record(session, "policy", agency=agency, before=before, after=row.policy_overrides)
        log.info("%s policy overrides now %s", agency, row.policy_overrides)
        return overrides
