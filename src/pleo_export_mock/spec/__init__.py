"""The OpenAPI document the sandbox serves: loaded once, $refs resolved, operations indexed."""

from .loader import load_spec, shipped_spec
from .model import Operation, Parameter, Spec

__all__ = ["Operation", "Parameter", "Spec", "load_spec", "shipped_spec"]
