"""The reference connector as a webhook service: it detects export jobs the way Pleo recommends.

It subscribes to `v1.export-job.created` (Pleo's Webhook Subscriptions API), serves the endpoint
the deliveries come to, and processes each announced job with the reference connector's
workflow (`reference_connector.py`). A delivery is acted on only when its Standard Webhooks
signature checks out with the subscription's `whsec_` secret and its timestamp is within 5
minutes; the same `webhook-id` twice is processed once; a job of another company (an
organisation's subscription announces every company's) is acknowledged and left alone; every
delivery is answered at once and the work is done afterwards. Deliveries can be lost, so it
also reconciles: it polls for eligible jobs when it starts and every PLEO_RECONCILE_SECONDS
after. SIGTERM ends it after the job in hand, with status 0. Standard library only; it knows
nothing of the sandbox.

Environment (beside reference_connector.py's):
  WEBHOOK_LISTEN           host:port to serve deliveries on (default 127.0.0.1:0, a free port)
  WEBHOOK_PUBLIC_URL       the URL Pleo delivers to (default: http://<listen address>/pleo/webhooks)
  PLEO_RECONCILE_SECONDS   how often to poll for jobs a delivery did not announce (default 60)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import queue
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .reference_connector import ApiError, Connector, JobFailure, build

log = logging.getLogger("webhook_connector")
EVENT = "v1.export-job.created"
TOLERANCE_SECONDS = 300  # Standard Webhooks: refuse timestamps more than 5 minutes off


def verified_event(secret: str, headers: Any, body: bytes) -> dict[str, Any] | None:
    """The event, when the delivery is signed with `secret` and fresh; else None."""
    message_id = headers.get("webhook-id")
    stamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not (message_id and stamp and signatures):
        return None
    try:
        if abs(time.time() - int(stamp)) > TOLERANCE_SECONDS:
            return None
        key = base64.b64decode(secret.removeprefix("whsec_"))
    except ValueError:
        return None
    signed = f"{message_id}.{stamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for signature in signatures.split():  # several during a secret rotation
        version, _, value = signature.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            try:
                event: dict[str, Any] = json.loads(body)
            except ValueError:
                return None
            return event
    return None


class WebhookService:
    """Subscribe, serve deliveries, and process jobs one at a time on the main thread."""

    def __init__(self, connector: Connector, listen: str, public_url: str | None, every: float):
        host, _, port = listen.rpartition(":")
        self.connector, self.every = connector, every
        self.jobs: queue.Queue[str | None] = queue.Queue()
        self.seen: set[str] = set()  # webhook-ids acted on: a duplicate is acknowledged only
        self.secret = ""
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer((host or "127.0.0.1", int(port or 0)), self._handler())
        self.server.daemon_threads = True
        bound = f"http://{host or '127.0.0.1'}:{self.server.server_address[1]}"
        self.url = public_url or f"{bound}/pleo/webhooks"

    def run(self) -> int:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        try:
            self.subscribe()
        except (ApiError, JobFailure) as error:
            log.error("cannot subscribe to %s: %s", EVENT, error)
            return 1
        log.info("subscribed %s to %s", self.url, EVENT)
        self.reconcile()
        next_poll = time.monotonic() + self.every
        while not self.stopping.is_set():
            try:
                job_id = self.jobs.get(timeout=max(0.0, next_poll - time.monotonic()))
            except queue.Empty:
                self.reconcile()
                next_poll = time.monotonic() + self.every
                continue
            if job_id is not None:
                self.process(job_id)
        self.server.shutdown()
        return 1 if self.connector.problems else 0

    def stop(self) -> None:
        self.stopping.set()
        self.jobs.put(None)  # wake the main loop

    def subscribe(self) -> None:
        """One subscription for this URL: reuse (and reactivate) ours, else make it."""
        client = self.connector.client
        mine = [s for s in client.read_all("/v1/subscriptions", {}) if s["endpointUrl"] == self.url]
        body = {"endpointUrl": self.url, "eventTypes": [EVENT], "status": "ACTIVE"}
        if mine:
            subscription = client.request("PUT", f"/v1/subscriptions/{mine[0]['id']}", body=body)
        else:
            subscription = client.request("POST", "/v1/subscriptions", body=body)
        path = f"/v1/subscriptions/{subscription['data']['id']}/secret"
        self.secret = client.request("GET", path)["data"]["secretKey"]

    def is_ours(self, event: dict[str, Any]) -> bool:
        """An export job of our company: an organisation's subscription announces them all."""
        data = event.get("data")
        if event.get("eventType") != EVENT or not isinstance(data, dict):
            return False
        mine = self.connector.company_id
        return mine is None or data.get("companyId") == mine

    def reconcile(self) -> None:
        """A poll for eligible jobs, for the deliveries that never came."""
        log.info("reconciling: polling for eligible jobs")
        self.connector.run()

    def process(self, job_id: str) -> None:
        """An announced job: read it (detection changes nothing), process it if still open."""
        if job_id in self.connector.handled:
            return
        try:
            job = self.connector.client.request("GET", f"/v3/export-jobs/{job_id}")["data"]
        except (ApiError, JobFailure) as error:
            log.warning("job %s announced but not readable: %s", job_id, error)
            return
        if job["status"] in ("pending", "in_progress"):
            self.connector.handled.add(job_id)
            self.connector.process(job)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Delivery(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                event = verified_event(service.secret, self.headers, body)
                if event is None:  # forged, stale or unsigned: no action at all
                    log.warning("delivery refused: bad or stale signature")
                    self._answer(401)
                    return
                message_id = self.headers["webhook-id"]
                if message_id not in service.seen and service.is_ours(event):
                    service.seen.add(message_id)
                    service.jobs.put(event["data"]["id"])
                self._answer(204)  # at once: the work happens on the main loop

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("delivery: " + format, *args)

        return Delivery


def main() -> int:
    level = os.environ.get("PLEO_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(message)s")
    try:
        connector = build(dict(os.environ))
        every = float(os.environ.get("PLEO_RECONCILE_SECONDS", "60"))
        listen = os.environ.get("WEBHOOK_LISTEN", "127.0.0.1:0")
        service = WebhookService(connector, listen, os.environ.get("WEBHOOK_PUBLIC_URL"), every)
    except (ValueError, OSError) as error:
        log.error("configuration: %s", error)
        return 2
    signal.signal(signal.SIGTERM, lambda _signum, _frame: service.stop())
    return service.run()


if __name__ == "__main__":
    sys.exit(main())
