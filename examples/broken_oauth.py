"""Connectors of partner access that get one thing wrong: material for the oauth-* rules and
names-company (organisation credentials).

Each is the reference connector with one step of its OAuth session replaced (see
`broken_connector.py`, which lists them with the others). Standard library only.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
from typing import Any

from pleo_export_mock.examples.oauth_session import NO_REDIRECTS, OAuthSession, SignInFailed
from pleo_export_mock.examples.reference_connector import ApiError, Connector, Json

log = logging.getLogger("broken_oauth")


class OAuthVariant(Connector):
    """A connector whose OAuth session is changed by `adjust` once it is built."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        if self.client.session is None:
            raise ValueError("this variant signs in with OAuth: set PLEO_OAUTH_CLIENT_ID")
        self.adjust(self.client.session)

    def adjust(self, session: OAuthSession) -> None:
        raise NotImplementedError


class NoPkceFirst(OAuthVariant):
    """Its first authorization request has no code challenge (refused), then it does it right."""

    def adjust(self, session: OAuthSession) -> None:
        original = session.sign_in

        def sign_in() -> None:
            session.sign_in = original  # type: ignore[method-assign]
            query = {
                "response_type": "code",
                "client_id": session.client_id,
                "redirect_uri": session.redirect_uri,
                "state": session.new_state(),
            }
            url = f"{session.auth_url}/oauth/authorize?{urllib.parse.urlencode(query)}"
            try:
                NO_REDIRECTS.open(url, timeout=30).close()
            except urllib.error.HTTPError as answer:
                log.warning("BROKEN: without PKCE: %s", answer.headers.get("Location"))
            original()

        session.sign_in = sign_in  # type: ignore[method-assign]


class SignsInAgain(OAuthVariant):
    """When its token expires it runs the whole authorization again instead of refreshing."""

    def adjust(self, session: OAuthSession) -> None:
        def renew() -> bool:
            log.warning("BROKEN: signing in again instead of refreshing")
            session.sign_in()
            return True

        session.renew = renew  # type: ignore[method-assign]


class ReplaysRefreshToken(OAuthVariant):
    """Keeps a stale copy of its first refresh token and presents it again when it is done."""

    def adjust(self, session: OAuthSession) -> None:
        original, self.stale = session.renew, ""

        def renew() -> bool:
            self.stale = self.stale or session.refresh_token
            return original()

        session.renew = renew  # type: ignore[method-assign]

    def run(self) -> int:
        code = super().run()
        session = self.client.session
        if self.stale and session is not None:
            try:
                session.token_request(grant_type="refresh_token", refresh_token=self.stale)
            except SignInFailed as error:
                log.warning("BROKEN: the rotated refresh token was refused: %s", error)
        return code


class ResendsDeadToken(OAuthVariant):
    """On a 401 it sends the same request with the same token twice more before refreshing."""

    def adjust(self, session: OAuthSession) -> None:
        original, refusals = session.renew, [0]

        def renew() -> bool:
            refusals[0] += 1
            if refusals[0] % 3:
                log.warning("BROKEN: resending the refused token")
                return False
            return original()

        session.renew = renew  # type: ignore[method-assign]


class ForgetsCompanyOnce(Connector):
    """Its first job list leaves out company_id, although its credential covers several."""

    def list_open_jobs(self) -> list[Json]:
        if getattr(self, "forgot", False):
            return super().list_open_jobs()
        self.forgot = True
        try:
            self.client.read_all("/v3/export-jobs", {"statuses": ["pending", "in_progress"]})
        except ApiError as error:
            log.warning("BROKEN: job list without company_id refused: %s", error)
        return super().list_open_jobs()


# rule id -> (the scenario that shows the mistake, the variant)
OAUTH_BREAKAGES: dict[str, tuple[str, type[Connector]]] = {
    "oauth-pkce-state": ("pending", NoPkceFirst),
    "oauth-refreshes": ("oauth_expiring", SignsInAgain),
    "oauth-no-refresh-replay": ("oauth_expiring", ReplaysRefreshToken),
    "oauth-no-401-loop": ("oauth_expiring", ResendsDeadToken),
    "names-company": ("organisation", ForgetsCompanyOnce),
}
