"""API keys: stored as sha256 hashes, compared in constant time, each scoped to agencies.

A key is a random string the client sends as `Authorization: Bearer <key>`. The service only
ever holds its hash; `new_key()` makes a key and the entry to store, and the key itself is shown
once. An entry lists the agencies whose data the key may touch, or `"*"` for all of them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from models.common import InputError, describe_validation_error

ALL_AGENCIES = "*"
KEY_PREFIX = "od_"


class ApiKeyEntry(BaseModel):
    """One stored key: a name for logs, the key's sha256 (hex) and the agencies it may use."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    agencies: list[str] = Field(min_length=1)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's name (never the key), the agencies it may use, and the key's
    hash, which tells two keys apart even when they share a name (jobs belong to one key)."""

    name: str
    agencies: frozenset[str]
    key_id: str = field(default="", compare=False)

    def allows(self, agency_id: str) -> bool:
        return ALL_AGENCIES in self.agencies or agency_id in self.agencies


def hash_key(key: str) -> str:
    """The hex sha256 of a key: what the keys file stores."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key(agencies: Sequence[str], name: str | None = None) -> tuple[str, ApiKeyEntry]:
    """A fresh random key and the entry to store for it."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    scope = "-".join("all" if a == ALL_AGENCIES else a for a in agencies)
    label = name or f"{scope}-{secrets.token_hex(3)}"
    return key, ApiKeyEntry(name=label, sha256=hash_key(key), agencies=list(agencies))


class KeyRing:
    """The configured keys; `identify` never short-cuts, so timing says nothing about a key."""

    def __init__(self, entries: Iterable[ApiKeyEntry]) -> None:
        self._entries = tuple(entries)

    def __len__(self) -> int:
        return len(self._entries)

    def has_key_id(self, key_id: str) -> bool:
        """Whether a key with this hash is still configured (a console session checks it)."""
        return any(hmac.compare_digest(key_id, entry.sha256) for entry in self._entries)

    def identify(self, presented: str) -> Principal | None:
        digest = hash_key(presented)
        found: ApiKeyEntry | None = None
        for entry in self._entries:
            # Every entry is compared, match or not, in constant time per comparison.
            if hmac.compare_digest(digest, entry.sha256) and found is None:
                found = entry
        if found is None:
            return None
        return Principal(
            name=found.name, agencies=frozenset(found.agencies), key_id=found.sha256
        )


_ENTRIES = TypeAdapter(list[ApiKeyEntry])


def parse_key_entries(data: Any, source: str) -> list[ApiKeyEntry]:
    """Entries from a list, or from a mapping with a `keys` list; errors name the source."""
    if isinstance(data, dict) and "keys" in data:
        data = data["keys"]
    try:
        return _ENTRIES.validate_python(data)
    except ValidationError as exc:
        err = describe_validation_error(exc, data)
        raise InputError(f"{source}: {err.field}" if err.field else source, err.message) from exc


def load_key_file(path: Path) -> list[ApiKeyEntry]:
    """Entries from a JSON or YAML keys file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError("api_keys_file", f"cannot read {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError("api_keys_file", f"{path} is not valid JSON or YAML: {exc}") from exc
    return parse_key_entries(data or [], str(path))


def build_key_ring(file: Path | None, inline: Sequence[ApiKeyEntry] | None) -> KeyRing:
    """All configured keys: the file's entries plus the inline ones."""
    entries = list(inline or [])
    if file is not None:
        entries.extend(load_key_file(file))
    return KeyRing(entries)
