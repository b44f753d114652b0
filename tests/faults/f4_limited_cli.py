"""Child process for F4 (b): runs the CLI's ``main()`` under a file-size limit, one command a line.

The parent writes ``{"args": [...], "limit": N}`` lines on stdin; for each, this process sets its
soft ``RLIMIT_FSIZE`` to N bytes (the hard limit stays unlimited so the next line can raise it),
runs the command as ``girlscourt`` would, and answers ``{"code": ..., "stdout": ..., "stderr":
...}`` on one line. SIGXFSZ is ignored, so a write past the limit fails with EFBIG instead of
killing the process. One interpreter serves every round: starting Python and signing in once per
round would make the test slow on a shared machine, not more faithful.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import resource
import signal
import sys


def main() -> int:
    from girlscourt.cli.main import main as girlscourt

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    replies = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        out, err = io.StringIO(), io.StringIO()
        resource.setrlimit(resource.RLIMIT_FSIZE, (request["limit"], resource.RLIM_INFINITY))
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = girlscourt(request["args"])
        finally:
            resource.setrlimit(
                resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)
            )
            gc.collect()  # close the finished command's pooled connections
        replies.write(
            json.dumps({"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()})
        )
        replies.write("\n")
        replies.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
