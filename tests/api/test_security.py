"""API keys: hashing, constant-time identification, agency scope, and loading entries."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from api import security
from api.security import KeyRing, Principal, build_key_ring, hash_key, new_key, parse_key_entries
from models.common import InputError


def test_a_new_key_is_random_and_its_entry_holds_only_the_hash() -> None:
    key, entry = new_key(["rockport-tx"], "dispatch")
    other, _ = new_key(["rockport-tx"])
    assert key.startswith("od_") and len(key) > 40 and key != other
    assert entry.sha256 == hashlib.sha256(key.encode()).hexdigest()
    assert key not in entry.model_dump_json()
    assert (entry.name, entry.agencies) == ("dispatch", ["rockport-tx"])


def test_default_name_comes_from_the_agencies() -> None:
    assert new_key(["*"])[1].name.startswith("all-")
    assert new_key(["rockport-tx", "kennesaw-ga"])[1].name.startswith("rockport-tx-kennesaw-ga-")


def test_identify_finds_the_key_and_refuses_others() -> None:
    key, entry = new_key(["rockport-tx"], "dispatch")
    ring = KeyRing([new_key(["*"])[1], entry])
    assert ring.identify(key) == Principal("dispatch", frozenset({"rockport-tx"}))
    assert ring.identify(key + "x") is None
    assert ring.identify(entry.sha256) is None  # the stored hash is not a key
    assert KeyRing([]).identify(key) is None


def test_every_entry_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []
    real = security.hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    keys = [new_key(["rockport-tx"]) for _ in range(3)]
    ring = KeyRing(entry for _, entry in keys)
    ring.identify(keys[0][0])
    assert len(calls) == 3  # no early exit on the first match


def test_scope() -> None:
    rockport = Principal("r", frozenset({"rockport-tx"}))
    assert rockport.allows("rockport-tx") and not rockport.allows("kennesaw-ga")
    assert Principal("ops", frozenset({"*"})).allows("anything-at-all")
    assert hash_key("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_entries_load_from_json_and_yaml_files_and_inline(tmp_path: Path) -> None:
    _, one = new_key(["rockport-tx"], "one")
    _, two = new_key(["kennesaw-ga"], "two")
    _, three = new_key(["*"], "three")
    (tmp_path / "keys.json").write_text(json.dumps([one.model_dump()]))
    (tmp_path / "keys.yaml").write_text(
        f"keys:\n  - name: two\n    sha256: {two.sha256}\n    agencies: [kennesaw-ga]\n"
    )
    assert len(build_key_ring(tmp_path / "keys.json", [three])) == 2
    assert len(build_key_ring(tmp_path / "keys.yaml", None)) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([{"name": "x", "sha256": "abc", "agencies": ["*"]}], "[0].sha256"),
        ([{"name": "x", "sha256": "a" * 64, "agencies": []}], "[0].agencies"),
        ({"other": 1}, "keys.json"),
    ],
)
def test_bad_entries_name_the_file_and_field(data: object, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_key_entries(data, "keys.json")
    assert message in str(caught.value)


def test_unreadable_or_broken_key_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        build_key_ring(tmp_path / "missing.json", None)
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(InputError, match="not valid JSON or YAML"):
        build_key_ring(tmp_path / "bad.json", None)
