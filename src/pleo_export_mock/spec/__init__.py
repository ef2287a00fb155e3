"""The OpenAPI document the sandbox serves: loaded once, $refs resolved, operations indexed."""

from .loader import LEGACY_SPEC_FILE, export_api_operation_ids, load_spec, shipped_spec
from .model import Operation, Parameter, Spec

__all__ = [
    "LEGACY_SPEC_FILE",
    "Operation",
    "Parameter",
    "Spec",
    "export_api_operation_ids",
    "load_spec",
    "shipped_spec",
]
