"""The one place where refusals become HTTP: status codes and Pleo's {type, message} bodies.

Every Pleo-shaped error any API of the sandbox answers is built here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..domain import errors as domain
from ..domain.oauth import GrantNotFound
from ..errors import ToolError
from ..faults import Fault, FaultSpecError
from ..faults.model import FaultLimit
from ..snapshot import SnapshotError
from ..validation import RequestInvalid, Violation


@dataclass
class ApiError(Exception):
    status: int
    type: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)  # the spec rules the request broke

    def body(self) -> dict[str, str]:
        return {"type": self.type, "message": self.message}


# Domain refusal -> (status, Pleo error type). Codes Pleo documents are used as documented;
# the others are ours and listed in docs/decisions.md.
_DOMAIN_ERRORS: dict[type[domain.DomainError], tuple[int, str]] = {
    domain.JobNotFound: (404, "EXPORT_NOT_FOUND"),
    domain.EntryNotFound: (404, "EXPORT_ENTRY_NOT_FOUND"),
    domain.CompanyNotFound: (404, "COMPANY_NOT_FOUND"),
    domain.InvalidStatusChange: (422, "INVALID_EXPORT_JOB_STATUS_CHANGE"),
    domain.JobFinished: (422, "EXPORT_JOB_STATUS_UNPROCESSABLE"),
    domain.JobNotStarted: (422, "EXPORT_JOB_STATUS_UNPROCESSABLE"),
    domain.TooManyItems: (413, "EXPORT_JOB_ITEMS_UPDATE_LIMIT"),
    domain.ExportAlreadyInProgress: (409, "EXPORT_ALREADY_IN_PROGRESS"),
    domain.MissingContraAccounts: (400, "MISSING_CONTRA_ACCOUNTS"),
    domain.UnknownEntries: (400, "ACCOUNTING_ENTRY_DOES_NOT_EXIST"),
    domain.EntriesNotExportable: (400, "ACCOUNTING_ENTRY_NOT_EXPORTABLE"),
    domain.EmptyExport: (400, "INVALID_REQUEST"),
    domain.InvalidPage: (400, "INVALID_PAGINATION"),
    domain.ClockOutOfRange: (400, "CLOCK_OUT_OF_RANGE"),
    domain.EntryLimit: (409, "ENTRY_LIMIT_REACHED"),
    domain.SubscriptionNotFound: (404, "SUBSCRIPTION_NOT_FOUND"),
    domain.SubscriptionLimit: (400, "SUBSCRIPTION_LIMIT_REACHED"),
    GrantNotFound: (404, "OAUTH_GRANT_NOT_FOUND"),
}


def from_refusal(error: domain.DomainError | ToolError) -> ApiError:
    """A refusal from below: the domain's, or a broken scenario or fault rule sent to /_mock."""
    if isinstance(error, FaultLimit):  # the rules in force leave no room: the state's doing
        return ApiError(409, "FAULT_LIMIT_REACHED", str(error))
    if isinstance(error, ToolError):
        code = "INVALID_SCENARIO"
        if isinstance(error, FaultSpecError):
            code = "INVALID_FAULT"
        elif isinstance(error, SnapshotError):
            code = "INVALID_SNAPSHOT"
        return ApiError(400, code, str(error))
    for kind in type(error).__mro__:
        if kind in _DOMAIN_ERRORS:
            status, code = _DOMAIN_ERRORS[kind]
            return ApiError(status, code, error.message)
    return ApiError(400, "INVALID_REQUEST", error.message)


# Bodies as an API gateway in front of Pleo would send them, for injected faults.
_GATEWAY_ERRORS = {
    429: ("TOO_MANY_REQUESTS", "Rate limit exceeded. Retry after the time in Retry-After."),
    500: ("INTERNAL_SERVER_ERROR", "An unexpected error occurred."),
    502: ("BAD_GATEWAY", "The upstream service answered with an invalid response."),
    503: ("SERVICE_UNAVAILABLE", "The service is temporarily unavailable."),
    504: ("GATEWAY_TIMEOUT", "The upstream service did not answer in time."),
}


def injected(fault: Fault) -> ApiError:
    """The answer of a `status` fault, with Retry-After when the rule gives one."""
    status = fault.status or 503
    code, message = _GATEWAY_ERRORS[status]
    headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
    return ApiError(status, code, message, headers)


def from_invalid_request(error: RequestInvalid) -> ApiError:
    code = "UNSUPPORTED_MEDIA_TYPE" if error.status == 415 else "INVALID_REQUEST"
    message = "; ".join(map(str, error.violations))
    return ApiError(error.status, code, message, violations=list(error.violations))


def explained(refusal: domain.DomainError | ToolError, invalid: RequestInvalid) -> ApiError:
    """A request the spec refuses, in the words of the sandbox's own reader of its body, which
    refuses it too; the spec's violations stay with it, for the journal."""
    error = from_refusal(refusal)
    error.violations = list(invalid.violations)
    return error


def missing_parameter(name: str) -> ApiError:
    """A parameter the spec leaves optional (as Pleo's does) but the operation cannot do without."""
    return ApiError(400, "INVALID_REQUEST", f"query parameter {name!r}: is required")


def snapshot_unavailable(error: SnapshotError) -> ApiError:
    """The state cannot be written down (a scenario built in Python has no YAML to carry)."""
    return ApiError(409, "SNAPSHOT_UNAVAILABLE", str(error))


def not_found(path: str) -> ApiError:
    return ApiError(404, "NOT_FOUND", f"No resource at {path}.")


def method_not_allowed(method: str, path: str, allowed: list[str]) -> ApiError:
    allow = ", ".join(sorted(allowed))
    return ApiError(
        405,
        "METHOD_NOT_ALLOWED",
        f"{method} is not allowed on {path}; use {allow}.",
        {"Allow": allow},
    )


def missing_host() -> ApiError:
    return ApiError(400, "INVALID_REQUEST", "An HTTP/1.1 request must carry a Host header.")


def payload_too_large(limit: int) -> ApiError:
    return ApiError(413, "PAYLOAD_TOO_LARGE", f"The request body is larger than {limit} bytes.")


def unauthorized(message: str) -> ApiError:
    challenge = 'Bearer realm="pleo-export-mock", Basic realm="pleo-export-mock"'
    return ApiError(401, "UNAUTHORIZED", message, {"WWW-Authenticate": challenge})


def forbidden(message: str) -> ApiError:
    return ApiError(403, "FORBIDDEN", message)


def version_not_pinned(version: str, pinned: Iterable[str]) -> ApiError:
    """A call to an API version the scenario does not let the connector use (a sandbox rule)."""
    allowed = ", ".join(sorted(pinned))
    return forbidden(
        f"This scenario lets connectors call only {allowed} of the Export API (api_versions); "
        f"{version} is not one of them."
    )


def multi_currency_unsupported() -> ApiError:
    """Pleo's own answer, word for word, to an older version's export items read for a company
    with multi-currency wallets."""
    return ApiError(
        400,
        "UNSUPPORTED_API_VERSION",
        "Upgrade to Export API v3 or higher: The API version you are trying to access does not "
        "support multi-currency wallets.",
    )


def unsupported_api_version(detail: str) -> ApiError:
    """An older API version cannot express what the state holds (Pleo's multi-currency answer)."""
    return ApiError(
        400,
        "UNSUPPORTED_API_VERSION",
        f"Upgrade to Export API v3 or higher: the API version you are trying to access {detail}.",
    )


def verdict_not_available() -> ApiError:
    """GET /_mock/verdict on an app made without a judge (the verifier lives above http/)."""
    return ApiError(
        404,
        "VERDICT_NOT_AVAILABLE",
        "This sandbox was started without the verifier, so it has no live verdict; "
        "`pleo-export-mock serve` and the test handle start one with it.",
    )


# Receipt links (openapi/receipts.yaml): Pleo documents no codes for its file links.
def receipt_not_found(file_name: str) -> ApiError:
    return ApiError(404, "RECEIPT_NOT_FOUND", f"No receipt file {file_name}.")


def receipt_link_invalid() -> ApiError:
    return ApiError(403, "RECEIPT_LINK_INVALID", "The link's signature does not match it.")


def receipt_link_expired(expires: int) -> ApiError:
    return ApiError(
        403,
        "RECEIPT_LINK_EXPIRED",
        f"The link expired at {expires} (Unix seconds); fetch the export item again for a new one.",
    )


# The authorization server answers in OAuth's own form (RFC 6749 section 5.2); authlib builds
# those bodies, except where it cannot (below), and then the sandbox builds one here.
def oauth_unquotable_parameter() -> tuple[int, dict[str, str]]:
    """A parameter whose value an OAuth error may not quote (only printable ASCII without
    `"` and `\\`): authlib cannot describe it, so the answer says so in general terms."""
    return 400, {
        "error": "invalid_request",
        "error_description": "A parameter holds characters an OAuth error cannot quote "
        "(RFC 6749 section 5.2); send printable ASCII.",
    }


def oauth_payload_too_large(limit: int) -> tuple[int, dict[str, str]]:
    """A form over the size limit the Export API enforces too; nothing of it was read."""
    return 413, {
        "error": "invalid_request",
        "error_description": f"The request body is larger than {limit} bytes.",
    }
