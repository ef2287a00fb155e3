"""The sandbox's OAuth 2.0 authorization server, at Pleo's paths (openapi/oauth.yaml)."""

from .handlers import OAUTH_HANDLERS
from .tokens import TokenRefused, credential_for

__all__ = ["OAUTH_HANDLERS", "TokenRefused", "credential_for"]
