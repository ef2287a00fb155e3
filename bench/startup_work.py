"""The work `serve` does before its first answer, in one process, for instruction counts.

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python bench/startup_work.py [clock|export]

What `pleo-export-mock serve` runs up to its first answer, minus the socket's wait: the
command line's imports, the sandbox, the app, the server's socket, then one request (GET
/_mock/clock, or GET /v3/export-jobs with the scenario's API key) through the WSGI app.
Wall time on a shared machine moves with the load; callgrind's instruction count ("Collected")
does not, so a change to start-up can be judged by it. Prints CPU seconds as a rough guide.
"""

from __future__ import annotations

import sys
import time
import wsgiref.util

started = time.process_time()
CLOCK = "/_mock/clock"


def first_answer(which: str) -> str:
    from pleo_export_mock import cli

    args = cli._parser().parse_args(["serve", "--port", "0", "--quiet"])
    from pleo_export_mock.http import HttpSettings, create_app
    from pleo_export_mock.sandbox import Sandbox, SandboxConfig
    from pleo_export_mock.server import AccessLog, SandboxServer
    from pleo_export_mock.summary import describe_sandbox

    sandbox = Sandbox(args.scenario, SandboxConfig(seed=args.seed, clock=args.clock))
    app = create_app(sandbox, HttpSettings(response_violations="log"))
    server = SandboxServer(AccessLog(app), host=args.host, port=0, threads=args.threads)
    describe_sandbox(sandbox, server.url)
    environ: dict[str, object] = {"PATH_INFO": CLOCK, "SERVER_PORT": str(server.port)}
    wsgiref.util.setup_testing_defaults(environ)
    if which == "export":
        from pleo_export_mock.http.state_view import authorization_header

        environ["PATH_INFO"] = "/v3/export-jobs"
        environ["QUERY_STRING"] = "statuses=pending"
        environ["HTTP_AUTHORIZATION"] = authorization_header(sandbox.state.credentials[0])
    seen: list[str] = []
    b"".join(app(environ, lambda status, headers, exc_info=None: seen.append(status)))
    server._server.close()
    sandbox.close()
    return seen[0]


if __name__ == "__main__":
    status = first_answer(sys.argv[1] if len(sys.argv) > 1 else "clock")
    print(f"{status}; {time.process_time() - started:.3f} CPU s")
