"""The one Schemathesis configuration every fuzz run uses: the sandbox's own and `fuzz --url`.

Every check, every phase, a fixed seed, no state carried over from earlier runs (no example
database, no cache), and the few per-operation expectations written down in docs/decisions.md
("Fuzzing").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schemathesis.config import SchemathesisConfig

DEFAULT_SEED = 1
DEFAULT_MAX_EXAMPLES = 20
# Generous: an in-process answer takes milliseconds; this only catches a server that hangs.
MAX_RESPONSE_TIME_S = 5.0
# A remote server that stops answering fails the run instead of hanging it.
REQUEST_TIMEOUT_S = 30.0

# Schema-valid requests the Export API still refuses, per operation. Each is a constraint the
# spec cannot state (exclusive query parameters, opaque cursors, Pleo's own limits) or a
# documented answer that depends on the state of the job (docs/decisions.md, "Fuzzing").
REFUSALS_OF_VALID_REQUESTS: dict[str, tuple[str, ...]] = {
    # Pagination: before/after/offset exclusive, cursors not issued by the server, limit above
    # the maximum, unknown sorting keys -> 400 INVALID_PAGINATION.
    "getExportJobsListV3": ("400",),
    "getExportJobItemsV3": ("400",),
    "searchExportJobItemsV3": ("400",),
    # Pagination as above, MISSING_CONTRA_ACCOUNTS (400); a finished job (422).
    "getExportItemsV3": ("400", "422"),
    # Entries unknown to the company or not exportable, MISSING_CONTRA_ACCOUNTS (400).
    "createExportJobV3": ("400",),
    # More than 100 updates (413, Pleo's EXPORT_JOB_ITEMS_UPDATE_LIMIT); a pending or finished
    # job (422).
    "updateExportJobItemsV3": ("413", "422"),
    # A transition the job cannot make from its current state (422).
    "createExportJobEventV3": ("422",),
    # No `accounting_entry_id`: optional in Pleo's signature, but nothing to look up (400).
    "getExportJobItemByAccountingEntryIdV3": ("400",),
}


@dataclass(frozen=True, slots=True)
class FuzzOptions:
    headers: dict[str, str]  # sent with every request, Authorization among them
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int = DEFAULT_SEED
    base_url: str | None = None  # None: the app's own (in-process runs)
    refusals: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(REFUSALS_OF_VALID_REQUESTS)
    )


def build_config(options: FuzzOptions) -> SchemathesisConfig:
    from schemathesis.config import SchemathesisConfig

    return SchemathesisConfig.from_dict(config_dict(options))


def config_dict(options: FuzzOptions) -> dict[str, Any]:
    """What a schemathesis.toml would hold, as a dict (and so readable in one place)."""
    data: dict[str, Any] = {
        "seed": options.seed,
        # Reproducible runs: nothing replayed from an earlier run's cache or example database.
        "cache": {"enabled": False},
        "headers": dict(options.headers),
        "continue-on-failure": True,  # report every failure, not the first per operation
        "request-timeout": REQUEST_TIMEOUT_S,
        "generation": {
            "mode": "all",
            "max-examples": options.max_examples,
            "database": "none",
        },
        "checks": {"enabled": True, "max_response_time": MAX_RESPONSE_TIME_S},
        "phases": {
            # The spec has no request examples; filled in, the phase still runs every operation
            # (with values seen in earlier responses) instead of being skipped.
            "examples": {"enabled": True, "fill-missing": True},
            # `?limit=1&limit=2` must be refused too (a scalar parameter sent twice).
            "coverage": {"enabled": True, "generate-duplicate-query-parameters": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": True},
        },
        "operations": [
            _expect_refusals(operation_id, statuses)
            for operation_id, statuses in sorted(options.refusals.items())
        ],
    }
    if options.base_url is not None:
        data["base-url"] = options.base_url
    return data


def _expect_refusals(operation_id: str, statuses: tuple[str, ...]) -> dict[str, Any]:
    """Schemathesis' own accepted statuses for a schema-valid request, plus these."""
    from schemathesis.config import PositiveDataAcceptanceConfig

    expected = [*PositiveDataAcceptanceConfig().expected_statuses, *statuses]
    return {
        "include-operation-id": operation_id,
        "checks": {"positive_data_acceptance": {"expected-statuses": expected}},
    }
