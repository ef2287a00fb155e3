"""Checks that remember what they found valid still refuse every bad answer and request."""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug.datastructures import Headers, MultiDict

from pleo_export_mock.spec import load_spec
from pleo_export_mock.validation import RequestInvalid
from pleo_export_mock.validation.requests import RequestValidator
from pleo_export_mock.validation.responses import KNOWN_VALID_LIMIT, ResponseValidator

from .test_checker import VALID_JOB as JOB

SPEC = load_spec()
GET_JOB = SPEC.operation("getExportJobByIdV3")
LIST_JOBS = SPEC.operation("getExportJobsListV3")


def sent(body: Any) -> bytes:
    return json.dumps(body).encode()


def test_an_answer_valid_once_is_valid_again_and_a_broken_one_is_reported_every_time() -> None:
    validator = ResponseValidator(GET_JOB)
    broken = {"data": {**JOB["data"], "status": "lost"}}
    for _ in range(3):
        assert validator.validate(200, JOB, sent(JOB)) == []
        assert [v.where for v in validator.validate(200, broken, sent(broken))] == [
            "response.data.status"
        ]


def test_the_same_bytes_under_another_status_are_judged_again() -> None:
    validator = ResponseValidator(GET_JOB)
    assert validator.validate(200, JOB, sent(JOB)) == []
    # 404's schema is Pleo's error form: the job's bytes do not pass as one.
    assert validator.validate(404, JOB, sent(JOB)) != []


def test_the_memory_of_valid_answers_is_bounded() -> None:
    validator = ResponseValidator(GET_JOB)
    for expires_in in range(KNOWN_VALID_LIMIT + 10):
        body = {"data": {**JOB["data"], "expiresIn": expires_in}}
        assert validator.validate(200, body, sent(body)) == []
    assert len(validator._known_valid) <= KNOWN_VALID_LIMIT


def parse(validator: RequestValidator, query: str) -> dict[str, Any]:
    pairs = [tuple(part.split("=", 1)) for part in query.split("&")]
    return validator.parse({}, MultiDict(pairs), Headers(), None, b"", None).params


def test_a_parameter_value_valid_once_stays_valid_and_a_bad_one_is_refused_every_time() -> None:
    validator = RequestValidator(LIST_JOBS)
    for _ in range(3):
        assert parse(validator, "statuses=pending&limit=5") == {
            "statuses": ["pending"],
            "limit": 5,
        }
        with pytest.raises(RequestInvalid, match="statuses"):
            parse(validator, "statuses=lost")


def test_a_value_valid_for_one_parameter_is_judged_again_for_another() -> None:
    validator = RequestValidator(LIST_JOBS)
    parse(validator, "company_id=3c1f6f0e-8f0a-4d5e-9a43-1f2a3b4c5d6e")
    with pytest.raises(RequestInvalid):
        parse(validator, "statuses=3c1f6f0e-8f0a-4d5e-9a43-1f2a3b4c5d6e")
