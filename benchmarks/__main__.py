"""``python -m benchmarks`` measures the time-domain engine (cold and warm, one core)."""

import sys

from .bench_timedomain import main

sys.exit(main())
