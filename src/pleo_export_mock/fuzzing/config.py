"""The one Schemathesis configuration every fuzz run uses: the repository's schemathesis.toml.

`st run` reads the file from the repository root; the sandbox's in-process self-fuzz and
`fuzz --url` read the same file (the wheel ships a copy) and replace only what is theirs: the
credentials, the base URL, the seed and the number of examples. So the per-operation
expectations written down in docs/decisions.md ("Fuzzing") cannot differ between the three.
"""

from __future__ import annotations

import copy
import itertools
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import ToolError
from ..resources import data_path

if TYPE_CHECKING:
    from schemathesis.config import SchemathesisConfig

CONFIG_FILE = "schemathesis.toml"
DEFAULT_SEED = 1
DEFAULT_MAX_EXAMPLES = 20
# What Schemathesis' positive-data check accepts unless told otherwise; each operation of the
# file lists these first, then the statuses Pleo's text adds for it.
SCHEMATHESIS_ACCEPTED = ("2xx", "3xx", "401", "403", "404", "409", "429", "5xx")


class FuzzConfigError(ToolError):
    """The shipped schemathesis.toml cannot be read."""


@dataclass(frozen=True, slots=True)
class FuzzOptions:
    headers: dict[str, str]  # sent with every request, Authorization among them
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int = DEFAULT_SEED
    base_url: str | None = None  # None: the app's own (in-process runs)


@cache
def shipped_config() -> dict[str, Any]:
    """schemathesis.toml as a dict: the packaged copy when installed, else the checkout's."""
    path = data_path(CONFIG_FILE)
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except OSError as problem:
        raise FuzzConfigError(f"cannot read {path}: {problem.strerror}") from None
    except tomllib.TOMLDecodeError as problem:
        raise FuzzConfigError(f"{path}: not valid TOML: {problem}") from None


def refusals_of_valid_requests(config: dict[str, Any] | None = None) -> dict[str, tuple[str, ...]]:
    """Per operationId, the statuses a schema-valid request may get beyond Schemathesis' own:
    the file's operations, and those of its projects (one per spec, by the spec's title)."""
    data = shipped_config() if config is None else config
    refusals: dict[str, tuple[str, ...]] = {}
    projects = [project.get("operations", []) for project in data.get("project", [])]
    for operation in itertools.chain(data.get("operations", []), *projects):
        check = operation.get("checks", {}).get("positive_data_acceptance", {})
        expected = [str(status) for status in check.get("expected-statuses", ())]
        ids = operation["include-operation-id"]
        for operation_id in [ids] if isinstance(ids, str) else ids:
            refusals[operation_id] = tuple(s for s in expected if s not in SCHEMATHESIS_ACCEPTED)
    return refusals


def build_config(options: FuzzOptions) -> SchemathesisConfig:
    from schemathesis.config import SchemathesisConfig

    return SchemathesisConfig.from_dict(config_dict(options))


def config_dict(options: FuzzOptions) -> dict[str, Any]:
    """The shipped file with this run's credentials, base URL, seed and example count."""
    data = copy.deepcopy(shipped_config())
    data["seed"] = options.seed
    data["headers"] = dict(options.headers)
    data.setdefault("generation", {})["max-examples"] = options.max_examples
    data.pop("base-url", None)
    if options.base_url is not None:
        data["base-url"] = options.base_url
    return data
