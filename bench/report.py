#!/usr/bin/env python3
"""Turns bench/run's raw measurements into the results table (terminal and Markdown) and an SVG chart.

Input: a TSV with one row per measurement (case, metric, better, subject, rep, value, p99_ms) or
per skipped subject (case, "skip", "", subject, "", reason). Output: latest.md, latest.tsv and
latest.svg in --out, and the table on standard output. Standard library only.
"""
import argparse
import html
import shutil
import statistics
from collections import OrderedDict

# Issue 8's targets, as Berth / anchor ratios: (case, anchor) -> (comparison, value, note).
TARGETS = {
    ("http", "nginx"): (">=", 1.0, "p99 no worse than nginx"),
    ("http", "netty"): (">=", 0.95, ""),
    ("https", "nginx"): (">=", 1.0, ""),
    ("https", "netty"): None,
    ("h2", "nginx"): (">=", 1.0, ""),
    ("http-256", "nginx"): (">=", 1.0, "p99 no worse than nginx"),
    ("http-256", "netty"): (">=", 0.95, ""),
    ("tls13-ecdsa", "nginx"): (">=", 0.95, ""),
    ("tls12-ecdsa", "nginx"): (">=", 0.95, ""),
    ("tls13-rsa", "nginx"): None,
    ("tls12-rsa", "nginx"): None,
    ("tls13-ecdsa", "netty"): None,
    ("tls12-ecdsa", "netty"): None,
    ("tls13-rsa", "netty"): None,
    ("tls12-rsa", "netty"): None,
    # Issue 13: the deployed jars, nginx as Debian ships it (access log on) for static files.
    ("static-1k", "nginx"): (">=", 1.0, "p99 at most 1.2× nginx's"),
    ("static-16k", "nginx"): (">=", 1.0, "p99 at most 1.2× nginx's"),
    ("static-1k-256", "nginx"): (">=", 1.0, "p99 at most 1.2× nginx's"),
    ("static-16k-256", "nginx"): (">=", 1.0, "p99 at most 1.2× nginx's"),
    ("static-1k-https", "nginx"): (">=", 1.0, ""),
    ("static-16k-https", "nginx"): (">=", 1.0, ""),
    ("static-1k-https-256", "nginx"): (">=", 1.0, ""),
    ("static-16k-https-256", "nginx"): (">=", 1.0, ""),
    ("static-1m", "nginx"): (">=", 1.0, ""),
    ("static-1m-https", "nginx"): (">=", 1.0, ""),
    ("static-100m", "nginx"): None,
    ("static-100m-https", "nginx"): None,
    ("static-h2", "nginx"): (">=", 1.0, ""),
    ("tls-first-byte-nagle", "nginx"): ("<=", 5.0, "no delayed-ACK stall: 40 ms against nginx's 0.3 would be over 100×"),
    ("tls-first-byte-nodelay", "nginx"): None,
    ("smtp-durable-1k-reused", "disk"): (">=", 0.7, "the disk's own limit, no SMTP"),
    ("smtp-durable-1k-reused", "aiosmtpd"): (">=", 2.0, "aiosmtpd discarding"),
    ("smtp-durable-1k-reused", "aiosmtpd-maildir"): (">=", 3.0, "aiosmtpd with the same fsyncs"),
    # Issue 18: the Kafka store against the Maildir store, both deployed jars, the same client.
    ("smtp-kafka-1k", "berth-maildir"): (">=", 1.0, "the Maildir store's rate"),
    ("smtp-kafka-100k", "berth-maildir"): None,
    ("smtp-1k-new", "smtp-sink"): (">=", 1.0, ""),
    ("smtp-1k-new", "aiosmtpd"): (">=", 3.0, ""),
    ("smtp-1k-reused", "smtp-sink"): (">=", 1.0, ""),
    ("smtp-1k-reused", "aiosmtpd"): (">=", 3.0, ""),
    ("smtp-100k-new", "smtp-sink"): (">=", 1.0, ""),
    ("smtp-100k-new", "aiosmtpd"): (">=", 3.0, ""),
    ("smtp-100k-reused", "smtp-sink"): (">=", 1.0, ""),
    ("smtp-100k-reused", "aiosmtpd"): (">=", 3.0, ""),
    ("tcp-echo-rr", "netty"): (">=", 0.95, ""),
    ("tcp-echo-rr", "socat"): (">=", 2.0, ""),
    ("tcp-echo-bulk", "netty"): (">=", 0.95, ""),
    ("tcp-echo-bulk", "socat"): (">=", 2.0, ""),
    ("udp-echo", "netty"): (">=", 0.95, ""),
    ("idle-memory", "netty"): ("<=", 1.2, ""),
    ("idle-memory-tls", "netty"): ("<=", 1.2, ""),
    ("startup", "netty"): ("<=", 1.5, ""),
}

# A target met on throughput is missed when Berth's p99 is above this many times the anchor's.
P99_LIMITS = {
    ("http", "nginx"): 1.0,
    ("http-256", "nginx"): 1.0,
    ("static-1k", "nginx"): 1.2,
    ("static-16k", "nginx"): 1.2,
    ("static-1k-256", "nginx"): 1.2,
    ("static-16k-256", "nginx"): 1.2,
}


def read_rows(path):
    cases = OrderedDict()
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 7:
                continue
            case, metric, better, subject, rep, value, p99 = parts[:7]
            c = cases.setdefault(case, {"metric": "", "better": "higher", "subjects": OrderedDict(), "skips": {}})
            if metric == "skip":
                c["skips"][subject] = value
                continue
            c["metric"], c["better"] = metric, better
            s = c["subjects"].setdefault(subject, {"values": [], "p99": []})
            s["values"].append(float(value))
            if p99:
                s["p99"].append(float(p99))
    return cases


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def summary(values):
    """Median and spread ((max - min) / median, in percent) of one subject's repetitions."""
    if not values:
        return None, None
    med = statistics.median(values)
    spread = (max(values) - min(values)) / med * 100 if med else 0.0
    return med, spread


def build_rows(cases):
    rows = []
    for name, c in cases.items():
        berth = c["subjects"].get("berth")
        if "berth" in c["skips"] or not berth:
            reason = c["skips"].get("berth", "no Berth measurement")
            rows.append({"case": name, "skipped": reason})
            continue
        bmed, bspread = summary(berth["values"])
        bp99 = statistics.median(berth["p99"]) if berth["p99"] else None
        for anchor, a in c["subjects"].items():
            if anchor == "berth":
                continue
            amed, aspread = summary(a["values"])
            ap99 = statistics.median(a["p99"]) if a["p99"] else None
            ratio = bmed / amed if amed else None
            target = TARGETS.get((name, anchor))
            met = None
            if target and ratio is not None:
                op, value, _ = target
                met = ratio >= value if op == ">=" else ratio <= value
                limit = P99_LIMITS.get((name, anchor))
                if limit is not None and bp99 is not None and ap99 is not None:
                    met = met and bp99 <= limit * ap99
            rows.append({
                "case": name, "metric": c["metric"], "better": c["better"], "anchor": anchor,
                "berth": bmed, "berth_spread": bspread, "berth_n": len(berth["values"]), "berth_p99": bp99,
                "anchor_value": amed, "anchor_spread": aspread, "anchor_n": len(a["values"]), "anchor_p99": ap99,
                "ratio": ratio, "target": target, "met": met,
            })
        for anchor, reason in c["skips"].items():
            if anchor != "berth":
                rows.append({"case": name, "anchor": anchor, "skipped": reason})
    return rows


def target_text(t):
    if not t:
        return "reported"
    op, value, note = t
    text = f"{'≥' if op == '>=' else '≤'}{value:g}×"
    return text + (f" ({note})" if note else "")


def table(rows):
    head = ["case", "metric", "Berth (spread)", "anchor", "anchor figure (spread)", "ratio", "target", "met"]
    out = [head]
    for r in rows:
        if "skipped" in r:
            out.append([r["case"], "", "", r.get("anchor", "berth"), "", "", "", "skipped: " + r["skipped"]])
            continue
        b = f"{fmt(r['berth'])} (±{r['berth_spread'] / 2:.0f}%)"
        a = f"{fmt(r['anchor_value'])} (±{r['anchor_spread'] / 2:.0f}%)"
        if r["berth_p99"] is not None:
            b += f", p99 {fmt(r['berth_p99'])} ms"
        if r["anchor_p99"] is not None:
            a += f", p99 {fmt(r['anchor_p99'])} ms"
        ratio = f"{r['ratio']:.2f}×" if r["ratio"] is not None else "-"
        met = "-" if r["met"] is None else ("yes" if r["met"] else "no")
        out.append([r["case"], r["metric"] + (" (lower is better)" if r["better"] == "lower" else ""),
                    b, r["anchor"], a, ratio, target_text(r["target"]), met])
    return out


def markdown(out, meta):
    lines = ["# Berth benchmark results", ""]
    for k, v in meta:
        lines.append(f"- {k}: {v}")
    lines += ["", "Figures are medians of the repetitions; spread is ±half the range (max - min) as a share of the",
              "median. Ratio is Berth / anchor; for lower-is-better cases a ratio under 1 favours Berth.", ""]
    lines.append("| " + " | ".join(out[0]) + " |")
    lines.append("|" + "|".join("---" for _ in out[0]) + "|")
    for row in out[1:]:
        lines.append("| " + " | ".join(c.replace("|", "/") for c in row) + " |")
    lines += ["", "![ratios](latest.svg)", ""]
    return "\n".join(lines)


def terminal(out):
    widths = [max(len(r[i]) for r in out) for i in range(len(out[0]))]
    lines = []
    for n, row in enumerate(out):
        lines.append("  ".join(c.ljust(widths[i]) for i, c in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def svg(rows, meta):
    """Bars of Berth's advantage over each anchor (>1 means Berth is better), with the target marked."""
    bars = [r for r in rows if "skipped" not in r and r["ratio"]]
    width, left, right, row_h, top = 860, 250, 40, 26, 60
    height = top + row_h * max(1, len(bars)) + 40
    scale_max = max([2.0] + [min(4.0, advantage(r)) for r in bars])
    plot_w = width - left - right

    def x(v):
        return left + plot_w * min(v, scale_max) / scale_max

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="10" y="20" font-size="15" font-weight="bold">Berth vs anchors: advantage '
             f'(&gt;1 = Berth better; bar end = median ratio)</text>',
             f'<text x="10" y="40" fill="#555">{html.escape(dict(meta).get("date", ""))} · '
             f'{html.escape(dict(meta).get("cpu", ""))} · nproc {html.escape(dict(meta).get("nproc", ""))} · '
             f'{html.escape(dict(meta).get("mode", ""))}</text>']
    tick = 0.0
    while tick <= scale_max + 1e-9:
        parts.append(f'<line x1="{x(tick):.1f}" y1="{top - 5}" x2="{x(tick):.1f}" y2="{height - 35}" '
                     f'stroke="{"#000" if tick == 1.0 else "#ddd"}"/>')
        parts.append(f'<text x="{x(tick):.1f}" y="{height - 20}" text-anchor="middle">{tick:g}×</text>')
        tick += 0.5
    for i, r in enumerate(bars):
        y = top + i * row_h
        adv = advantage(r)
        colour = "#999" if r["met"] is None else ("#2e7d32" if r["met"] else "#c62828")
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">'
                     f'{html.escape(r["case"])} vs {html.escape(r["anchor"])}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{x(adv) - left:.1f}" height="{row_h - 8}" fill="{colour}"/>')
        parts.append(f'<text x="{x(adv) + 4:.1f}" y="{y + 16}">{adv:.2f}</text>')
        if r["target"]:
            op, value, _ = r["target"]
            t = value if op == ">=" else 1 / value
            parts.append(f'<line x1="{x(t):.1f}" y1="{y + 1}" x2="{x(t):.1f}" y2="{y + row_h - 1}" '
                         f'stroke="#000" stroke-width="2" stroke-dasharray="3,2"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def advantage(r):
    return r["ratio"] if r["better"] == "higher" else 1 / r["ratio"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--raw", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--meta", action="append", default=[], help="KEY=VALUE lines for the header")
    args = p.parse_args()
    meta = [tuple(m.split("=", 1)) for m in args.meta]
    rows = build_rows(read_rows(args.raw))
    out = table(rows)
    print()
    print(terminal(out))
    with open(f"{args.out}/latest.md", "w", encoding="utf-8") as f:
        f.write(markdown(out, meta))
    with open(f"{args.out}/latest.svg", "w", encoding="utf-8") as f:
        f.write(svg(rows, meta))
    shutil.copyfile(args.raw, f"{args.out}/latest.tsv")
    print(f"\nwritten: {args.out}/latest.md, latest.svg, latest.tsv")


if __name__ == "__main__":
    main()
