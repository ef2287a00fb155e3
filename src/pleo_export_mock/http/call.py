"""What every handler gets (a Call) and gives back (a Reply), for every API the sandbox serves."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.quick_init import quick_init
from .settings import HttpSettings

if TYPE_CHECKING:
    from ..domain.credentials import Credential
    from ..domain.store import Store
    from ..sandbox import Sandbox
    from ..scenarios.seed import SeededSandbox
    from ..spec.model import Operation
    from .request import RequestRecord

JSON_TYPE = "application/json;charset=UTF-8"


@quick_init  # made for every request
@dataclass(frozen=True, slots=True)
class Call:
    """One validated call to one operation, with the state it runs against."""

    sandbox: Sandbox
    # The state as the request found it: a reset during the call cannot split it in two.
    state: SeededSandbox
    request: RequestRecord
    operation: Operation
    params: dict[str, Any]  # typed parameters that were sent
    body: Any  # the validated JSON body (or text, for a text media type), or None
    credential: Credential | None  # None where the operation needs none (the control plane)
    settings: HttpSettings

    @property
    def store(self) -> Store:
        return self.state.store

    @property
    def caller(self) -> Credential:
        """The authenticated credential, for operations that always have one."""
        if self.credential is None:
            raise AssertionError(f"{self.operation.operation_id} ran without a credential")
        return self.credential


@quick_init  # made for every request
@dataclass(frozen=True, slots=True)
class Reply:
    """A handler's answer. Only JSON bodies are checked against the spec's schemas."""

    status: int
    body: Any = None  # JSON-ready data; text when media_type is not JSON; None: no body
    media_type: str = JSON_TYPE
    headers: Mapping[str, str] | None = None  # e.g. a redirect's Location


Handler = Callable[[Call], Reply]
