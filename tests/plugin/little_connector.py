"""A little connector the way Pleo's guide asks for one, on urllib alone.

The plugin's tests copy this file into their inner pytest sessions (`pytester.makepyfile`).
"""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime
from typing import Any


class LittleConnector:
    def __init__(self, url: str, authorization: str) -> None:
        self.url = url
        self.authorization = authorization

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", self.authorization)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def pages(self, path: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        after = None
        while True:
            separator = "&" if "?" in path else "?"
            page = self.call("GET", path + (f"{separator}after={after}" if after else ""))
            rows += page["data"]
            if not page["pagination"]["hasNextPage"]:
                return rows
            after = page["pagination"]["endCursor"]

    def event(self, job_id: str, event: str) -> None:
        self.call("POST", "/v3/export-job-events", {"event": event, "jobId": job_id})

    def oldest_pending_job(self) -> str:
        jobs = self.call("GET", "/v3/export-jobs?statuses=pending")["data"]
        return str(min(jobs, key=lambda job: job["createdAt"])["id"])

    def export(self) -> str:
        """list -> started -> read items -> read export items -> PUT results -> completed."""
        job_id = self.oldest_pending_job()
        self.event(job_id, "started")
        items = self.pages(f"/v3/export-jobs/{job_id}/items")
        self.pages(f"/v3/export-items?job_id={job_id}")
        exported_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        results = [
            {
                "accountingEntryId": item["accountingEntryId"],
                "status": "successful",
                "externalId": f"JNL-{number}",
                "externalUrl": f"https://erp.example/journal/{number}",
                "exportedAt": exported_at,
            }
            for number, item in enumerate(items, 1)
        ]
        self.call("PUT", f"/v3/export-jobs/{job_id}/items", results)
        self.event(job_id, "completed")
        return job_id
