"""Pleo's Webhook Subscriptions API (openapi/webhook-subscriptions.yaml): its handlers."""

from __future__ import annotations

from .handlers import SUBSCRIPTION_HANDLERS, SUBSCRIPTIONS_PREFIX, subscriptions_spec

__all__ = ["SUBSCRIPTIONS_PREFIX", "SUBSCRIPTION_HANDLERS", "subscriptions_spec"]
