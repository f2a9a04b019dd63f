"""``python -m benchmarks [timedomain|channel] [options]``: speed figures, printed and as JSON.

With no suite name both run (the time-domain engine cold and warm on one core, then the
Touchstone load-to-pulse path).
"""

import sys

from . import bench_channel, bench_timedomain

SUITES = {"timedomain": bench_timedomain.main, "channel": bench_channel.main}

if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] in SUITES:
        sys.exit(SUITES[args[0]](args[1:]))
    smoke = ["--smoke"] if "--smoke" in args else []
    code = bench_timedomain.main(args)
    sys.exit(code or bench_channel.main(smoke))
