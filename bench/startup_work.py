"""The work `serve` does before its first answer, in one process, for instruction counts.

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python bench/startup_work.py [clock|export]

What `pleo-export-mock serve --port 0 --quiet` runs up to its first answer, minus the wait on
the socket: the command line's imports, the sandbox, the app, the listening socket and the
banner (`cli._sandbox_to_serve`, `cli_serve._listening`, the collector off as `serve` has
it), then one request through the server's WSGI app: GET /_mock/clock, or GET
/v3/export-jobs with the scenario's API key.
Wall time on a shared machine moves with the load; callgrind's instruction count
("Collected") does not, so a change to start-up can be judged by it. Prints the answer's
status and the CPU seconds, a rough guide.
"""

from __future__ import annotations

import contextlib
import gc
import io
import sys
import time
import wsgiref.util

started = time.process_time()


def first_answer(which: str) -> str:
    gc.disable()
    from pleo_export_mock import cli, cli_serve

    args = cli._parser().parse_args(["serve", "--port", "0", "--quiet"])
    with contextlib.redirect_stdout(io.StringIO()):  # the banner
        sandbox = cli._sandbox_to_serve(args)
        server = cli_serve._listening(sandbox, args.host, args.port, args.threads, args.quiet)
    gc.freeze()
    gc.enable()
    environ: dict[str, object] = {"PATH_INFO": "/_mock/clock", "REMOTE_ADDR": "127.0.0.1"}
    if which == "export":
        from pleo_export_mock.http.state_view import authorization_header

        environ["PATH_INFO"] = "/v3/export-jobs"
        environ["QUERY_STRING"] = "statuses=pending"
        environ["HTTP_AUTHORIZATION"] = authorization_header(sandbox.state.credentials[0])
    wsgiref.util.setup_testing_defaults(environ)
    seen: list[str] = []
    app = server._server.application
    b"".join(app(environ, lambda status, headers, exc_info=None: seen.append(status)))
    server.stop()
    sandbox.close()
    return seen[0]


if __name__ == "__main__":
    status = first_answer(sys.argv[1] if len(sys.argv) > 1 else "clock")
    print(f"{status}; {time.process_time() - started:.3f} CPU s")
