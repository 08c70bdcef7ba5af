"""W1 as a hand-tuned SimPy model: one Job of N completions, parallelism 100, on 100 nodes
that each run one pod at a time; durations U(60 s, 540 s); 5 % of the runs fail; the Job
controller's recreation backoff (10 s doubling per failure since the last success, capped
at 600 s, counted from the failure's whole-second finish time, pausing all creation). No
records: it prints one line of totals (pods = completions + failed attempts). Time is in integer milliseconds.

    python w1_simpy.py [COMPLETIONS] [SEED]
"""

import random
import sys

import simpy

PARALLELISM = 100  # = nodes: every pod the Job may run has a node at once
MIN_MS, SPAN_MS = 60_000, 480_001  # U(60 s, 540 s) in whole milliseconds
FAILURE_PROBABILITY = 0.05
BACKOFF_MS, MAX_BACKOFF_MS = 10_000, 600_000


class Job:
    __slots__ = ("completions", "succeeded", "failed", "active", "pods",
                 "failures_since_success", "last_failure")

    def __init__(self, completions):
        self.completions = completions
        self.succeeded = 0
        self.failed = 0
        self.active = 0
        self.pods = 0
        self.failures_since_success = 0
        self.last_failure = 0

    def ready_at(self):
        """When the recreation backoff lets the controller create pods again."""
        n = self.failures_since_success
        if n == 0:
            return 0
        return self.last_failure + min(BACKOFF_MS << min(n - 1, 16), MAX_BACKOFF_MS)


def node(env, job, rng):
    """One node: runs the Job's next pod whenever the Job still needs one."""
    timeout = env.timeout
    draw = rng.random
    while True:
        ready = job.ready_at()
        while ready > env.now:
            yield timeout(ready - env.now)
            ready = job.ready_at()
        if job.succeeded + job.active >= job.completions:
            # Any pod still running that fails is replaced by its own node's loop.
            return
        job.active += 1
        job.pods += 1
        yield timeout(MIN_MS + int(draw() * SPAN_MS))
        job.active -= 1
        if draw() < FAILURE_PROBABILITY:
            job.failed += 1
            job.failures_since_success += 1
            job.last_failure = env.now - env.now % 1000
        else:
            job.succeeded += 1
            job.failures_since_success = 0


def main():
    completions = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rng = random.Random(seed)
    env = simpy.Environment()
    job = Job(completions)
    for _ in range(PARALLELISM):
        env.process(node(env, job, rng))
    env.run()
    print(f"{job.pods} pods ({job.succeeded} succeeded, {job.failed} failed), "
          f"ended at {env.now} ms")


if __name__ == "__main__":
    main()
