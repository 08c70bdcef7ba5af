"""Medians of the runs benches/measure.sh recorded, and optionally ratios between systems.

    python3 summarise.py RESULTS                  # one line per system
    python3 summarise.py RESULTS --ratios A B C   # and A's pods/CPU-s, CPU and peak RSS over B's, C's
"""

import statistics
import sys


def main():
    path, rest = sys.argv[1], sys.argv[2:]
    rows = {}
    for line in open(path):
        name, _run, wall, user, sys_, rss, pods, events = line.rstrip("\n").split("\t")
        cpu = float(user) + float(sys_)
        rows.setdefault(name, []).append({
            "wall": float(wall),
            "cpu": cpu,
            "rss": int(rss) / 1024,
            "pods": None if pods == "-" else int(pods),
            "events": None if events == "-" else int(events),
        })
    med = {}
    w = max(len(n) for n in ["system", *rows])
    print(f"{'system':<{w}} {'runs':>4} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9} "
          f"{'pods':>10} {'events':>10} {'pods/CPU-s':>12} {'events/CPU-s':>13}")
    for name, runs in rows.items():
        m = {k: statistics.median(r[k] for r in runs) for k in ("wall", "cpu", "rss")}
        m["pods"] = runs[0]["pods"]
        m["events"] = runs[0]["events"]

        def rate(key):
            if m[key] is None:
                return None
            return statistics.median(r[key] / r["cpu"] if r["cpu"] > 0 else float("inf")
                                     for r in runs)

        m["pods_rate"], m["events_rate"] = rate("pods"), rate("events")
        med[name] = m
        fmt = lambda v, spec: "-" if v is None else format(v, spec)  # noqa: E731
        print(f"{name:<{w}} {len(runs):>4} {m['wall']:>8.2f} {m['cpu']:>8.2f} {m['rss']:>9.1f} "
              f"{fmt(m['pods'], 'd'):>10} {fmt(m['events'], 'd'):>10} "
              f"{fmt(m['pods_rate'], ',.0f'):>12} {fmt(m['events_rate'], ',.0f'):>13}")
    if rest[:1] == ["--ratios"]:
        base, others = rest[1], rest[2:]
        for other in others:
            a, b = med[base], med[other]
            print(f"{base} ÷ {other}: pods per CPU-second {a['pods_rate'] / b['pods_rate']:.3f}, "
                  f"CPU time {a['cpu'] / b['cpu']:.1f}, peak RSS {a['rss'] / b['rss']:.1f}")


if __name__ == "__main__":
    main()
