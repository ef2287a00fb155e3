"""One small function per Webhook Subscriptions operation: read the call, ask the domain, shape it.

A subscription belongs to the companies of the credential that made it; the domain hides the
subscriptions of other companies as if they did not exist.
"""

from __future__ import annotations

from typing import Any

from ...domain.clock import format_timestamp
from ...domain.credentials import Credential
from ...domain.subscriptions import Activity, Subscription, SubscriptionRequest
from ...spec import Spec, shipped_spec
from .. import serialize
from ..call import Call, Handler, Reply
from ..handlers import answering_in_full, filters, page_request

SUBSCRIPTIONS_PREFIX = "/v1/subscriptions"


def subscriptions_spec() -> Spec:
    """Our Webhook Subscriptions spec, faithful to Pleo's 11.6.2."""
    return shipped_spec("webhook-subscriptions.yaml")


def list_subscriptions(call: Call) -> Reply:
    request = page_request(call)
    status = call.params.get("status")
    page = call.store.subscriptions.page(
        call.caller.company_ids,
        request,
        statuses=frozenset() if status is None else frozenset({status}),
        event_types=frozenset(call.params.get("event_types", ())),
    )
    data = [subscription_model(row) for row in page.rows]
    return Reply(200, serialize.paginated(data, page, request, filters(call)))


def create_subscription(call: Call) -> Reply:
    subscription = call.store.subscriptions.create(
        call.caller.company_ids, subscription_request(call.body), actor_urn(call.caller)
    )
    return Reply(200, {"data": subscription_model(subscription)})  # 200, as Pleo answers


def get_subscription(call: Call) -> Reply:
    subscription = call.store.subscriptions.get(call.caller.company_ids, call.params["id"])
    return Reply(200, {"data": subscription_model(subscription)})


def update_subscription(call: Call) -> Reply:
    subscription = call.store.subscriptions.replace(
        call.caller.company_ids,
        call.params["id"],
        subscription_request(call.body),
        actor_urn(call.caller),
    )
    return Reply(200, {"data": subscription_model(subscription)})


def delete_subscription(call: Call) -> Reply:
    call.store.subscriptions.delete(
        call.caller.company_ids, call.params["id"], actor_urn(call.caller)
    )
    return Reply(204)


def list_activities(call: Call) -> Reply:
    request = page_request(call)
    page = call.store.subscriptions.activities(
        call.caller.company_ids,
        call.params["id"],
        request,
        frozenset(call.params.get("operation_types", ())),
    )
    data = [activity_model(row) for row in page.rows]
    return Reply(200, serialize.paginated(data, page, request, filters(call)))


def get_secret(call: Call) -> Reply:
    subscription = call.store.subscriptions.get(call.caller.company_ids, call.params["id"])
    return Reply(200, {"data": {"secretKey": subscription.secret}})


def subscription_request(body: dict[str, Any]) -> SubscriptionRequest:
    """Pleo's SubscriptionRequest with its defaults: ACTIVE, endpoint auth NONE."""
    auth = body.get("endpointAuth")
    return SubscriptionRequest(
        endpoint_url=body["endpointUrl"],
        event_types=tuple(body["eventTypes"]),
        custom_headers=body.get("customHeaders"),
        endpoint_auth=None if auth is None else {"type": "NONE", **auth},
        status=body.get("status", "ACTIVE"),
    )


def subscription_model(subscription: Subscription) -> dict[str, Any]:
    request = subscription.request
    model: dict[str, Any] = {
        "id": subscription.id,
        "endpointUrl": request.endpoint_url,
        "eventTypes": list(request.event_types),
        "status": request.status,
        "createdAt": format_timestamp(subscription.created_at),
        "updatedAt": format_timestamp(subscription.updated_at),
    }
    if request.custom_headers is not None:
        model["customHeaders"] = dict(request.custom_headers)
    if request.endpoint_auth is not None:
        model["endpointAuth"] = dict(request.endpoint_auth)
    return model


def activity_model(activity: Activity) -> dict[str, Any]:
    return {
        "id": activity.id,
        "subscriptionId": activity.subscription_id,
        "operationType": activity.operation_type,
        "description": activity.description,
        "actorUrn": activity.actor_urn,
        "createdAt": format_timestamp(activity.created_at),
    }


def actor_urn(credential: Credential) -> str:
    """Who changed a subscription, as Pleo's URNs name it (`urn:pleo:organisation:<uuid>` is
    Pleo's own example): the credential's organisation, else its company (or companies)."""
    if credential.organisation_id is not None:
        return f"urn:pleo:organisation:{credential.organisation_id}"
    return "urn:pleo:company:" + "+".join(credential.company_ids)


_HANDLERS: dict[str, Handler] = {
    "getSubscriptions": list_subscriptions,
    "createSubscription": create_subscription,
    "getSubscriptionById": get_subscription,
    "updateSubscription": update_subscription,
    "deleteSubscription": delete_subscription,
    "getSubscriptionActivities": list_activities,
    "getSubscriptionSecret": get_secret,
}
SUBSCRIPTION_HANDLERS: dict[str, Handler] = {
    name: answering_in_full(handler) for name, handler in _HANDLERS.items()
}
