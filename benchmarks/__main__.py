"""``python -m benchmarks [timedomain|channel|stateye|com|reach|check|optics] [options]``: speed
figures, printed and as JSON.

With no suite name all run (the time-domain engine cold and warm on one core, the Touchstone
load-to-pulse path, the statistical engine, COM, the reach table, then ``sigint check`` cold and
warm).
"""

import sys

from . import (
    bench_channel,
    bench_check,
    bench_com,
    bench_optics,
    bench_reach,
    bench_stateye,
    bench_timedomain,
)

SUITES = {
    "timedomain": bench_timedomain.main,
    "channel": bench_channel.main,
    "stateye": bench_stateye.main,
    "com": bench_com.main,
    "reach": bench_reach.main,
    "check": bench_check.main,
    "optics": bench_optics.main,
}

if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] in SUITES:
        sys.exit(SUITES[args[0]](args[1:]))
    smoke = ["--smoke"] if "--smoke" in args else []
    code = bench_timedomain.main(args)
    code = code or bench_channel.main(smoke)
    code = code or bench_stateye.main(smoke)
    code = code or bench_com.main(smoke)
    code = code or bench_reach.main(smoke)
    code = code or bench_check.main(smoke)
    sys.exit(code or bench_optics.main(smoke))
