"""``python -m benchmarks [SUITE] [options]``: speed figures, printed and as JSON.

Suites: timedomain, channel, stateye, com, reach, check, optics, stream, demo, peers, summary.
With no suite name all run in that order (``--smoke``: each at its CI size; the 802.3dj COM
grid runs only in a full run) and the summary table of every headline figure closes the
output (``benchmarks/results/summary.json``).
"""

import sys

from . import (
    bench_channel,
    bench_check,
    bench_com,
    bench_demo,
    bench_optics,
    bench_peers,
    bench_reach,
    bench_stateye,
    bench_stream,
    bench_timedomain,
    summary,
)

SUITES = {
    "timedomain": bench_timedomain.main,
    "channel": bench_channel.main,
    "stateye": bench_stateye.main,
    "com": bench_com.main,
    "reach": bench_reach.main,
    "check": bench_check.main,
    "optics": bench_optics.main,
    "stream": bench_stream.main,
    "demo": bench_demo.main,
    "peers": bench_peers.main,
    "summary": summary.main,
}


def run_all(args: list[str]) -> int:
    """Every suite (the time-domain one with ``args``, the others with ``--smoke`` or not),
    then the summary."""
    smoke = ["--smoke"] if "--smoke" in args else []
    steps = [lambda: bench_timedomain.main(args)]
    steps += [lambda m=m: m(smoke) for m in (bench_channel.main, bench_stateye.main)]
    steps.append(lambda: bench_com.main(smoke))
    if not smoke:
        steps.append(lambda: bench_com.main(["--preset", "802.3dj-KR"]))
    for m in (bench_reach, bench_check, bench_optics, bench_stream, bench_demo, bench_peers):
        steps.append(lambda m=m: m.main(smoke))
    for step in steps:
        code = step()
        if code:
            return code
    print()
    return summary.main([])


if __name__ == "__main__":
    argv = sys.argv[1:]
    if argv and argv[0] in SUITES:
        sys.exit(SUITES[argv[0]](argv[1:]))
    sys.exit(run_all(argv))
