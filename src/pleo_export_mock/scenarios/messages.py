"""Default human-readable failure reasons, worded as an integration would report them."""

from __future__ import annotations

from ..domain.lifecycle import JOB_EXPIRED, JOB_EXPIRED_REASON

_JOB_FAILURES = {
    "invalid_configuration": "The integration's configuration is invalid: unknown journal 'PLEO'.",
    "missing_configuration": "The integration is not fully configured: no expense journal set.",
    "authentication_failure": "Pleo could not authenticate with the integration service.",
    "accounting_system_authentication_failure": (
        "The accounting system rejected the stored credentials (401 Unauthorized)."
    ),
    "pleo_rate_limit": "Gave up after repeated 429 responses from the Pleo API.",
    "accounting_system_rate_limit": "Gave up after repeated 429s from the accounting system.",
    "service_unreachable": "The integration service could not be reached.",
    "accounting_system_unreachable": (
        "Could not connect to the accounting system: connection timed out after 30 s."
    ),
    "validation_failure": "The export job could not be processed: its items failed validation.",
    "authorization_failure": "The integration user lost access to the company's ledger.",
    "integration_unusable": "The integration is disabled for this company.",
    JOB_EXPIRED: JOB_EXPIRED_REASON,  # the very words the store uses when a job expires
    "service_timeout": "The integration service timed out.",
    "accounting_system_timeout": "The accounting system did not answer within 60 s.",
    "canceled_by_user": "The export was canceled by the user.",
}

_ITEM_FAILURES = {
    "receipt_upload_failure": "The receipt could not be attached to the voucher.",
    "receipt_download_failure": "The receipt could not be downloaded from Pleo.",
    "receipt_file_size_limit_exceeded": "The receipt is larger than the ERP's 10 MB limit.",
    "receipt_conversion_failure": "The receipt could not be converted to PDF.",
    "unexpected_failure": "An unexpected error occurred while booking the entry.",
    "invalid_configuration": "Tax code 'I25' is not valid for account 7100.",
    "missing_configuration": "No expense account is mapped for this category.",
    "accounting_system_authentication_failure": "The accounting system rejected the credentials.",
    "accounting_system_rate_limit": "Rate limited by the accounting system.",
    "accounting_system_unreachable": "The accounting system could not be reached.",
    "validation_failure": "The entry failed validation before export.",
    "accounting_system_validation_failure": "Vendor not found in ERP",
    "authorization_failure": "Not allowed to post to this ledger.",
    "accounting_system_timeout": "The accounting system timed out while posting the voucher.",
    "vendor_unknown": "Vendor not found in ERP",
    "account_unknown": "Account does not exist in the chart of accounts.",
    "tax_code_unknown": "Tax code does not exist in the accounting system.",
    "tag_unknown": "Dimension value does not exist in the accounting system.",
}


def job_failure_text(failure_type: str) -> str:
    return _JOB_FAILURES.get(failure_type, f"The export failed: {failure_type.replace('_', ' ')}.")


def item_failure_text(failure_type: str) -> str:
    return _ITEM_FAILURES.get(failure_type, f"The entry failed: {failure_type.replace('_', ' ')}.")


def with_article(word: str) -> str:
    """`in_progress` -> `an in_progress`: statuses read as words in messages."""
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"
