"""One process of the lease-contention benchmark: take the import lease, hold it a moment, give it back.

    lease_worker.py STORE LEASE TTL_SECONDS HOLD_SECONDS [victim]

After printing "ready" it waits for the stop time (Unix seconds) on stdin, then prints a JSON summary at
the end: every tenure's start and end. A `victim` prints "holding T EXPIRES" once it has the lease and
then hangs until SIGKILLed, the way a crashed worker leaves its lease behind.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import timedelta

from bench_support import open_location

from connector_core.store import lease_owner


def main() -> int:
    location, lease, ttl, hold = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    victim = sys.argv[5:] == ["victim"]
    store = open_location(location)
    owner = lease_owner()
    tenures: list[tuple[float, float]] = []
    print("ready", flush=True)
    stop = float(sys.stdin.readline())
    while time.time() < stop:
        if not store.try_lock(lease, owner, timedelta(seconds=ttl)):
            time.sleep(0.01)
            continue
        began = time.time()
        if victim:
            holder = store.lease_holder(lease)
            expires = holder.expires_at.timestamp() if holder else began + ttl
            print(f"holding {began} {expires}", flush=True)
            time.sleep(3600)  # until the SIGKILL
        time.sleep(hold)
        ended = time.time()
        store.unlock(lease, owner)
        tenures.append((began, ended))
        time.sleep(0.01)
    store.close()
    print(json.dumps({"tenures": tenures}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
