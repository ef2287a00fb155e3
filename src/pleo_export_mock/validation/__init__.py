"""Requests and responses checked against the spec with jsonschema; problems become Violations."""

from .requests import ParsedRequest, RequestInvalid, RequestValidator
from .responses import ResponseValidator
from .violations import Violation

__all__ = ["ParsedRequest", "RequestInvalid", "RequestValidator", "ResponseValidator", "Violation"]
