"""The control plane's OAuth operations: what Pleo's side can do to sign-ins and tokens.

Make the next authorizations fail, expire or revoke a grant now, shorten lifetimes, so a
scenario can show how a connector copes with each.
"""

from __future__ import annotations

from typing import Any

from ...domain.oauth import Grant, OAuthState
from ..call import Call, Handler, Reply


def _grant(grant: Grant) -> dict[str, Any]:
    return {
        "id": grant.id,
        "clientId": grant.client_id,
        "companyIds": list(grant.company_ids),
        "scopes": sorted(grant.scopes),
        "revoked": grant.revoked,
    }


def _settings(state: OAuthState) -> dict[str, int]:
    lifetimes = state.lifetimes
    return {
        "accessToken": lifetimes.access_token,
        "code": lifetimes.code,
        "refreshToken": lifetimes.refresh_token,
        "denyNext": state.deny_next,
        "forgeNext": state.forge_next,
    }


def get_grants(call: Call) -> Reply:
    return Reply(200, {"data": [_grant(g) for g in call.state.oauth.grants.values()]})


def expire_grant(call: Call) -> Reply:
    oauth = call.state.oauth
    oauth.expire_grant(call.params["grantId"], call.sandbox.now())
    return Reply(200, _grant(oauth.grant(call.params["grantId"])))


def revoke_grant(call: Call) -> Reply:
    oauth = call.state.oauth
    oauth.revoke_grant(call.params["grantId"])
    return Reply(200, _grant(oauth.grant(call.params["grantId"])))


def deny_next(call: Call) -> Reply:
    oauth = call.state.oauth
    oauth.deny_next = (call.body or {}).get("count", 1)
    return Reply(200, _settings(oauth))


def forge_next(call: Call) -> Reply:
    oauth = call.state.oauth
    oauth.forge_next = (call.body or {}).get("count", 1)
    return Reply(200, _settings(oauth))


def set_lifetimes(call: Call) -> Reply:
    oauth, body = call.state.oauth, call.body
    lifetimes = oauth.lifetimes
    lifetimes.access_token = body.get("accessToken", lifetimes.access_token)
    lifetimes.code = body.get("code", lifetimes.code)
    lifetimes.refresh_token = body.get("refreshToken", lifetimes.refresh_token)
    return Reply(200, _settings(oauth))


OAUTH_CONTROL_HANDLERS: dict[str, Handler] = {
    "getOAuthGrants": get_grants,
    "expireOAuthGrant": expire_grant,
    "revokeOAuthGrant": revoke_grant,
    "denyNextOAuthAuthorizations": deny_next,
    "forgeNextOAuthRedirects": forge_next,
    "setOAuthLifetimes": set_lifetimes,
}
