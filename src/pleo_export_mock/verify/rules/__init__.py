"""Importing this package registers every rule, in catalogue order."""

from . import choosing, items, finishing, resilience, protocol, versions, process, oauth  # noqa: F401, I001
