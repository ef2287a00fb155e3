"""Importing this package registers every rule, in catalogue order."""

from . import choosing, items, finishing, resilience, protocol, versions, process, webhooks  # noqa: F401, I001
from . import oauth, organisations  # noqa: F401
