#!/usr/bin/env python3
"""Runs the JMH benchmarks jar and writes micro.md (a table with anchor ratios) and micro.json.

Usage: micro.py --jar JAR --out DIR --mode TEXT [--build-load L] -- JMH_ARGS...

Measures how much CPU the rest of the machine used while JMH ran (from /proc/stat minus this run's
own CPU time), so that micro.md says whether the figures came from a shared machine. The results are
written only if JMH completes. Standard library only.
"""
import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time


def cpu_jiffies():
    """(busy, total) clock ticks of all CPUs since boot."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def loadavg():
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def run_jmh(jar, jmh_args, json_path):
    """Runs JMH; returns (exit code, seconds, share of the machine's CPU used by other processes)."""
    ticks = os.sysconf("SC_CLK_TCK")
    busy0, total0 = cpu_jiffies()
    own0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    code = subprocess.call(["java", "-jar", jar, *jmh_args, "-rf", "json", "-rff", json_path])
    elapsed = time.monotonic() - start
    busy1, total1 = cpu_jiffies()
    own1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (own1.ru_utime + own1.ru_stime) - (own0.ru_utime + own0.ru_stime)
    busy_s = (busy1 - busy0) / ticks
    capacity_s = (total1 - total0) / ticks
    others = max(0.0, busy_s - own) / capacity_s if capacity_s > 0 else 0.0
    return code, elapsed, others


def short_name(benchmark):
    cls, method = benchmark.rsplit(".", 1)
    return cls.rsplit(".", 1)[1], method


def params_text(params):
    return ", ".join(f"{k}={v}" for k, v in sorted((params or {}).items()))


def fmt(x):
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def noisy(metric):
    """True when JMH's error is NaN or more than half the score: the figure says little."""
    score, error = float(metric["score"]), float(metric["scoreError"])
    return error != error or error > score / 2


def table(results):
    """Markdown rows; a method named anchor* is the anchor of the other methods of its class with the same params."""
    anchors = {}
    for r in results:
        cls, method = short_name(r["benchmark"])
        if method.startswith("anchor"):
            anchors[(cls, params_text(r.get("params")))] = (method, r["primaryMetric"])
    rows = ["| benchmark | params | score | ± error | unit | ops/s | alloc B/op | vs anchor |",
            "|---|---|---|---|---|---|---|---|"]
    for r in results:
        cls, method = short_name(r["benchmark"])
        params = params_text(r.get("params"))
        m = r["primaryMetric"]
        score, error, unit = float(m["score"]), float(m["scoreError"]), m["scoreUnit"]
        err = "n/a" if error != error else fmt(error)  # JMH writes "NaN" when there were too few iterations
        ops = fmt(1e9 / score) if unit == "ns/op" and score > 0 else ""
        alloc = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
        alloc = fmt(float(alloc["score"])) if alloc else ""
        if method.startswith("anchor"):
            ratio = "anchor"
        elif (cls, params) in anchors and unit == "ns/op":
            name, anchor = anchors[(cls, params)]
            ratio = f"{score / float(anchor['score']):.2f}× {name}'s time"
            if noisy(m) or noisy(anchor):
                ratio += " (noisy)"
        else:
            ratio = ""
        rows.append(f"| {cls}.{method} | {params} | {fmt(score)} | {err} | {unit} | {ops} | {alloc} | {ratio} |")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--mode", required=True)
    ap.add_argument("--build-load", default="")
    ap.add_argument("jmh_args", nargs="*")
    a = ap.parse_args()

    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = loadavg()
    with tempfile.TemporaryDirectory() as tmp:
        json_tmp = os.path.join(tmp, "micro.json")
        code, elapsed, others = run_jmh(a.jar, a.jmh_args, json_tmp)
        if code != 0 or not os.path.exists(json_tmp):
            print(f"bench/micro: JMH failed (exit {code}); bench/results left as they were", file=sys.stderr)
            return 1
        with open(json_tmp, encoding="utf-8") as f:
            results = json.load(f)
        if not results:
            print("bench/micro: no benchmark matched; bench/results left as they were", file=sys.stderr)
            return 1
        os.makedirs(a.out, exist_ok=True)
        shutil.copyfile(json_tmp, os.path.join(a.out, "micro.json"))

    first = results[0]
    shared = others >= 0.05
    note = os.environ.get("BENCH_NOTE", "")
    lines = [
        "# Berth micro-benchmarks (JMH)",
        "",
        f"- date: {started.strftime('%Y-%m-%dT%H:%MZ')}",
        f"- cpu: {cpu_model()}",
        f"- nproc: {os.cpu_count()}",
        f"- java: {first.get('vmName', '')} {first.get('jdkVersion', '')} ({first.get('vmVersion', '')})",
        f"- mode: {a.mode} ({first.get('forks')} fork(s), {first.get('warmupIterations')} warm-up × "
        f"{first.get('warmupTime')}, {first.get('measurementIterations')} measurement × {first.get('measurementTime')})",
        f"- elapsed: {elapsed:.0f}s",
        f"- load average (1, 5, 15 min): {a.build_load or 'n/a'} before the build, {load_start} at start, {loadavg()} at end",
        f"- other processes used {others:.0%} of the machine's CPU during the run: "
        + ("**the machine was heavily shared**: times are unreliable, and a ratio marked (noisy) is noise too; "
           "allocation per operation is not affected" if others >= 0.5
           else "**the machine was shared**, so the times are noisy; read the ratios, not the absolute numbers"
           if shared else "the machine was otherwise idle"),
    ]
    if note:
        lines.append(f"- conditions: {note}")
    lines += [
        "",
        "Score is the average time per operation with JMH's 99.9% confidence half-width (n/a with too few",
        "iterations); alloc B/op is heap allocated per operation (JMH's gc profiler). \"vs anchor\" divides a",
        "Berth benchmark's time by its anchor's time on the same input in the same run: 2.00× means Berth takes",
        "twice as long; (noisy) marks a ratio where either error exceeds half its score.",
        "See bench/jmh/README.md for what each benchmark measures.",
        "",
        *table(results),
        "",
    ]
    with open(os.path.join(a.out, "micro.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print("\n".join(table(results)))
    print(f"bench/micro: wrote {os.path.join(a.out, 'micro.md')} and micro.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
