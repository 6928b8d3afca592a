#!/usr/bin/env python3
"""Soak and fault run of the deployed Berth jars (started by soak/run; see soak/README.md).

Starts server-http.jar, server-smtp.jar and server-echo.jar on 127.0.0.1 as users run them, holds
idle and slowloris connections, drives real clients, swaps the certificate and kills the SMTP
process on a schedule, then checks what must hold and writes results.md and chart.svg.
Python 3.11 standard library only. Every loop is bounded by the run's end and by a count.
"""
import argparse
import datetime
import multiprocessing
import hashlib
import json
import math
import os
import random
import re
import resource
import selectors
import shutil
import signal
import smtplib
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

INTERVAL = 30.0
SAMPLE_EVERY = 5.0
SWAP_EVERY = 30.0
KILL_EVERY = 120.0
HANDSHAKE_EVERY = 0.2
FD_TOLERANCE = 0  # fds after the run must be back to the baseline exactly (see README)

# Idle connections per listener (10,000 in all) and how each one idles; the server's own timeout
# for that state, which is when it is expected to close the connection.
IDLE_PLAN = [
    # server, listener, count, how, expected close (s), what closes it
    # HTTP's keep-alive timeout is a minute, so its idle connections are opened again every minute
    # (HTTPS with a handshake each): fewer of them there keeps that churn small on a shared machine.
    ("echo", "echo", 5000, "silent", 300, "--echo-idle-timeout 5m"),
    ("smtp", "smtp", 3500, "greeted", 60, "--smtp-command-timeout 60s (421 4.4.2)"),
    ("http", "http", 1000, "after-request", 60, "--keep-alive-timeout 60s"),
    ("http", "https", 500, "after-request", 60, "--keep-alive-timeout 60s"),
]
# SMTP's command timeout is set to 60 s (default 5m): the SMTP process is killed every 2 minutes,
# which would otherwise close its connections before the timeout ever ran out.
SMTP_TIMEOUT_FLAGS = ["--smtp-command-timeout", "60s"]
SLOWLORIS_PLAN = [
    ("http", "http", 250, 10, "--header-timeout 10s (408)"),
    ("smtp", "smtp", 250, 60, "--smtp-command-timeout 60s (421 4.4.2)"),
]
LATE_SLACK = 20.0  # a timeout may fire late on a loaded machine, never this late
EARLY_SLACK = 2.0  # nor earlier than this before its value

MP = multiprocessing.get_context("fork")
STOP = MP.Event()  # the load period is over: every load loop, in this process or a child, ends
T0 = MP.Value("d", 0.0, lock=False)  # when the timed load began (set by the holder once its connections are open)
RAMPED = MP.Event()


def now():
    return time.monotonic() - T0.value


def log(msg):
    print(f"{datetime.datetime.utcnow():%H:%M:%S} soak: {msg}", file=sys.stderr, flush=True)


class Counter:
    """Thread-safe counts by key."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}

    def add(self, key, n=1):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + n

    def items(self):
        with self.lock:
            return sorted(self.counts.items())

    def merge(self, items):
        for k, n in items:
            self.add(tuple(k) if isinstance(k, list) else k, n)


# --- the servers -------------------------------------------------------------------------------


class Server:
    """One deployed jar as its own process; restartable (each start is a new incarnation).

    Its ports, incarnation and whether it is down live in shared memory, so that load processes
    forked before a restart see the new process's port.
    """

    def __init__(self, name, jar, args, work, java_opts, listeners):
        self.name, self.jar, self.args, self.work, self.java_opts = name, jar, args, work, java_opts
        self.proc = None
        self._ports = {n: MP.Value("i", 0, lock=False) for n in listeners + ["admin"]}
        self._incarnation = MP.Value("i", 0, lock=False)
        self._down = MP.Value("b", 1, lock=False)
        self.log_path = os.path.join(work, f"{name}.log")
        self.exits = []

    @property
    def incarnation(self):
        return self._incarnation.value

    @property
    def down(self):
        return bool(self._down.value)

    @property
    def ports(self):
        return {k: v.value for k, v in self._ports.items()}

    def start(self):
        ready = os.path.join(self.work, f"{self.name}-{self.incarnation + 1}.ready.json")
        env = dict(os.environ, BERTH_ADMIN_PORT="0")
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(["java", *self.java_opts, "-jar", self.jar, *self.args, "--ready-file", ready],
                                         stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                         cwd=self.work, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"soak: {self.name} exited ({self.proc.returncode}) before it was ready; see {self.log_path}")
            try:
                with open(ready) as f:
                    data = json.load(f)
                if "admin" in data:
                    for k, v in data.items():
                        if k in self._ports:
                            self._ports[k].value = v["port"]
                    self._incarnation.value += 1
                    self._down.value = 0
                    return
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        raise SystemExit(f"soak: {self.name} wrote no ready file in 90 s; see {self.log_path}")

    def port(self, listener):
        return self._ports[listener].value

    def kill(self):
        self._down.value = 1
        self._incarnation.value += 1  # connections opened before this moment belong to the killed process
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.exits.append(("SIGKILL", self.proc.returncode))

    def stop(self):
        self._down.value = 1
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = f"still running 60 s after SIGTERM, killed ({self.proc.wait()})"
        self.exits.append(("SIGTERM", rc))
        return rc

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def rss_kib(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None

    def fds(self):
        """Open file descriptors, leaving out the JVM's attach listener (made by jcmd, below)."""
        attach = self.attach_sockets()
        try:
            return sum(1 for fd in os.listdir(f"/proc/{self.proc.pid}/fd") if self.fd_target(fd) not in attach)
        except OSError:
            return None

    def fd_target(self, fd):
        try:
            return os.readlink(f"/proc/{self.proc.pid}/fd/{fd}")
        except OSError:
            return ""

    def attach_sockets(self):
        found = set()
        try:
            with open("/proc/net/unix") as f:
                for line in f:
                    cols = line.split()
                    # the JVM binds .java_pidPID.tmp and renames it: the bound name is the one listed
                    if len(cols) >= 8 and re.search(rf"/\.java_pid{self.proc.pid}(\.tmp)?$", cols[7]):
                        found.add(f"socket:[{cols[6]}]")
        except OSError:
            pass
        return found

    def live_heap_bytes(self):
        """Heap in use right after a full collection (jcmd GC.run): what the process really keeps."""
        try:
            subprocess.run(["jcmd", str(self.proc.pid), "GC.run"], capture_output=True, timeout=60, check=True)
        except (OSError, subprocess.SubprocessError):
            return None
        return self.heap_bytes()

    def fd_kinds(self):
        kinds = {}
        attach = self.attach_sockets()
        try:
            for fd in os.listdir(f"/proc/{self.proc.pid}/fd"):
                try:
                    target = os.readlink(f"/proc/{self.proc.pid}/fd/{fd}")
                except OSError:
                    continue
                if target in attach:
                    continue
                kind = target.split(":")[0] if ":" in target and not target.startswith("/") else "file"
                kinds[kind] = kinds.get(kind, 0) + 1
        except OSError:
            pass
        return kinds

    def heap_bytes(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port('admin')}/metrics", timeout=3) as r:
                text = r.read().decode()
        except (OSError, KeyError):
            return None
        total = 0.0
        for line in text.splitlines():
            if line.startswith("jvm_memory_used_bytes{") and 'area="heap"' in line:
                total += float(line.rsplit(" ", 1)[1])
        return int(total)


# --- files: web root and certificates ------------------------------------------------------------


def make_root(root):
    os.makedirs(root)
    rnd = random.Random(7)
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write("<!doctype html><title>soak</title><p>soak run</p>\n")
    with open(os.path.join(root, "small.html"), "w") as f:
        f.write("<!doctype html><title>small</title>\n" + "<p>" + "berth " * 300 + "</p>\n")  # about 2 KiB
    with open(os.path.join(root, "medium.bin"), "wb") as f:
        f.write(bytes(rnd.getrandbits(8) for _ in range(256 * 1024)))  # 256 KiB, not compressible


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class Certificates:
    """A CA made once, and leaf key pairs it signs; the served PEM (chain then key) is replaced atomically."""

    def __init__(self, work):
        self.dir = os.path.join(work, "tls")
        os.makedirs(self.dir)
        self.ca = os.path.join(self.dir, "ca.crt")
        self.ca_key = os.path.join(self.dir, "ca.key")
        self.served = os.path.join(self.dir, "server.pem")
        self.count = 0
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", self.ca_key,
                "-out", self.ca, "-subj", "/CN=Berth soak CA", "-days", "2")
        with open(os.path.join(self.dir, "leaf.ext"), "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")

    def issue(self):
        """Makes a new key pair and certificate and renames it over the served file; returns its fingerprint."""
        self.count += 1
        base = os.path.join(self.dir, f"leaf-{self.count}")
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", base + ".key",
                "-out", base + ".csr", "-subj", "/CN=localhost")
        openssl("x509", "-req", "-in", base + ".csr", "-CA", self.ca, "-CAkey", self.ca_key, "-set_serial",
                str(1000 + self.count), "-days", "2", "-extfile", os.path.join(self.dir, "leaf.ext"), "-out", base + ".crt")
        with open(base + ".crt", "rb") as f:
            crt = f.read()
        with open(base + ".key", "rb") as f:
            key = f.read()
        tmp = self.served + ".tmp"
        with open(tmp, "wb") as f:
            f.write(crt + key)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.served)
        for ext in (".key", ".csr", ".crt"):
            os.remove(base + ext)
        der = ssl.PEM_cert_to_DER_cert(crt.decode())
        return hashlib.sha256(der).hexdigest()


# --- real clients --------------------------------------------------------------------------------


class Series:
    """Per 30 s interval: requests done, rate, p99 latency (ms); failures by kind, expected or not.

    Latencies go into a histogram per interval (buckets about 2.5 % wide), so a long run of fast
    requests costs no memory per request.
    """

    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()
        self.hist = {}  # interval -> {bucket: count}
        self.summary = {}  # interval -> (requests, seconds, p99 ms) for tools that report their own
        self.failures = Counter()
        self.expected = Counter()

    def record(self, t, ms):
        b = int(math.log1p(ms * 1000) * 40)
        with self.lock:
            h = self.hist.setdefault(int(t // INTERVAL), {})
            h[b] = h.get(b, 0) + 1

    def export(self):
        return {"hist": self.hist, "failures": self.failures.items(), "expected": self.expected.items()}

    def merge(self, data):
        with self.lock:
            for i, h in data["hist"].items():
                mine = self.hist.setdefault(i, {})
                for b, n in h.items():
                    mine[b] = mine.get(b, 0) + n
        self.failures.merge(data["failures"])
        self.expected.merge(data["expected"])

    def interval(self, i, duration):
        with self.lock:
            if i in self.summary:
                n, secs, p99 = self.summary[i]
                return n, (n / secs if secs else 0.0), p99
            h = dict(self.hist.get(i, {}))
        total = sum(h.values())
        if not total:
            return 0, 0.0, None
        seen = 0
        for b in sorted(h):
            seen += h[b]
            if seen >= total * 0.99:
                return total, total / duration, math.expm1((b + 1) / 40) / 1000  # the bucket's upper edge
        return total, total / duration, None


def interval_bounds(duration):
    n = int(-(-duration // INTERVAL))
    return [(i, i * INTERVAL, min(duration, (i + 1) * INTERVAL)) for i in range(n)]


def wait_until(t):
    while not STOP.is_set() and now() < t:
        time.sleep(min(0.2, t - now()))
    return not STOP.is_set()


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def run_wrk(series, url, conns, duration, work):
    """wrk for one 30 s interval at a time, so that each interval has its own rate and p99."""
    for i, start, end in interval_bounds(duration):
        if not wait_until(start):
            return
        secs = int(round(end - now()))
        if secs < 2:
            return
        out = subprocess.run(["wrk", "-t1", f"-c{conns}", f"-d{secs}s", "--timeout", "5s", "--latency", url],
                             capture_output=True, text=True, timeout=secs + 30).stdout
        m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
        p99 = re.search(r"^\s+99%\s+([\d.]+)(\w+)", out, re.M)
        if not m:
            series.failures.add("wrk printed no result")
            with open(os.path.join(work, f"{series.name}-wrk-{i}.out"), "w") as f:
                f.write(out)
            continue
        secs_run = float(m.group(2)) * {"s": 1, "ms": 0.001, "m": 60}.get(m.group(3), 1)
        with series.lock:
            series.summary[i] = (int(m.group(1)), secs_run, float(p99.group(1)) * UNITS[p99.group(2)] if p99 else None)
        sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        if sock:
            for kind, n in zip(("connect", "read", "write", "timeout"), sock.groups()):
                if int(n):
                    series.failures.add(f"socket {kind} error", int(n))
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        if non2xx:
            series.failures.add("non-2xx response", int(non2xx.group(1)))


def run_h2load(series, url, duration, work):
    """h2load (HTTP/2 over TLS) per interval; p99 from its per-request log."""
    for i, start, end in interval_bounds(duration):
        if not wait_until(start):
            return
        secs = int(round(end - now()))
        if secs < 2:
            return
        logf = os.path.join(work, "h2load.log")
        out = subprocess.run(["h2load", "-c2", "-m8", "-t1", "-D", str(secs), "--log-file", logf, url],
                             capture_output=True, text=True, timeout=secs + 30).stdout
        lat, bad = [], 0
        try:
            with open(logf) as f:
                for row in f:
                    cols = row.split("\t")
                    if len(cols) >= 3:
                        lat.append(int(cols[2]) / 1000.0)
                        if not cols[1].startswith("2"):
                            bad += 1
        except OSError:
            pass
        lat.sort()
        with series.lock:
            series.summary[i] = (len(lat), float(secs), lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else None)
        m = re.search(r"requests: \d+ total, \d+ started, \d+ done, \d+ succeeded, (\d+) failed, (\d+) errored, (\d+) timeout", out)
        if not m:
            series.failures.add("h2load printed no result")
            continue
        for kind, n in zip(("failed", "errored", "timeout"), m.groups()):
            if int(n):
                series.failures.add(f"h2load {kind}", int(n))
        if bad:
            series.failures.add("non-2xx response", bad)


def run_echo(series, echo, duration, per_second=1000):
    """socat as the client, one connection, a line at a time (at most per_second): each echo checked byte for byte."""
    rnd = random.Random(3)
    seq = 0
    second, in_second = int(now()), 0
    while not STOP.is_set() and seq < 5_000_000:
        proc = subprocess.Popen(["socat", "-b", "65536", "STDIO", f"TCP:127.0.0.1:{echo.port('echo')}"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
        try:
            for _ in range(200_000):
                if STOP.is_set():
                    break
                if int(now()) != second:
                    second, in_second = int(now()), 0
                in_second += 1
                if in_second > per_second:
                    time.sleep(max(0.0, second + 1 - now()))
                    continue
                seq += 1
                line = f"{seq} {rnd.getrandbits(256):064x}\n".encode()
                t = time.monotonic()
                proc.stdin.write(line)
                got = b""
                while len(got) < len(line):
                    chunk = os.read(proc.stdout.fileno(), len(line) - len(got))
                    if not chunk:
                        break
                    got += chunk
                if got != line:
                    series.failures.add("echo differs or connection ended")
                    break
                series.record(now(), (time.monotonic() - t) * 1000)
        except OSError as e:
            series.failures.add(f"echo {type(e).__name__}")
        finally:
            try:
                proc.stdin.close()
            except OSError:
                pass
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return series.export()


class MailLedger:
    """Every message the server answered 250 to, with the exact bytes sent, appended to a file."""

    def __init__(self, path):
        self.path = path

    def open(self):
        self.file = open(self.path, "ab")

    def add(self, mid, data):
        m = mid.encode()
        self.file.write(len(m).to_bytes(2, "big") + m + len(data).to_bytes(4, "big") + data)
        self.file.flush()

    @staticmethod
    def read(path):
        with open(path, "rb") as f:
            buf = f.read()
        pos = 0
        while pos < len(buf):
            n = int.from_bytes(buf[pos:pos + 2], "big")
            mid = buf[pos + 2:pos + 2 + n].decode()
            pos += 2 + n
            k = int.from_bytes(buf[pos:pos + 4], "big")
            yield mid, buf[pos + 4:pos + 4 + k]
            pos += 4 + k


def message(rnd, n, client):
    mid = f"<soak-{client}-{n}-{rnd.getrandbits(32):08x}@soak.test>"
    lines = [f"From: soak@soak.test", "To: sink@soak.test", f"Subject: soak {client} {n}", f"Message-ID: {mid}",
             "", f"message {n} from client {client}", ".a line that starts with a dot (dot-stuffed on the wire)"]
    for _ in range(rnd.randint(4, 60)):
        lines.append("".join(rnd.choice("abcdefghijklmnopqrstuvwxyz .,") for _ in range(rnd.randint(10, 76))))
    return mid, ("\r\n".join(lines) + "\r\n").encode()


def run_smtp(series, smtp, ledger, client, max_messages):
    """smtplib: EHLO, then MAIL/RCPT/DATA in a loop on one connection; each 250 goes in the ledger."""
    rnd = random.Random(100 + client)
    sent = 0
    ledger.open()
    while not STOP.is_set() and sent < max_messages:
        if smtp.down:
            time.sleep(0.05)
            continue
        inc = smtp.incarnation
        try:
            conn = smtplib.SMTP("127.0.0.1", smtp.port("smtp"), local_hostname="soak.test", timeout=15)
            conn.ehlo()
        except (OSError, smtplib.SMTPException) as e:
            (series.expected if inc != smtp.incarnation or smtp.down else series.failures).add(f"connect: {type(e).__name__}")
            time.sleep(0.2)
            continue
        try:
            for _ in range(500):
                if STOP.is_set() or sent >= max_messages:
                    break
                sent += 1
                mid, data = message(rnd, sent, client)
                t = time.monotonic()
                code, reply = conn.mail("soak@soak.test")
                if code == 250:
                    code, reply = conn.rcpt("sink@soak.test")
                if code != 250:
                    series.failures.add(f"MAIL or RCPT answered {code}")
                    time.sleep(0.2)
                    conn.rset()
                    continue
                code, reply = conn.data(data)
                if code == 250:
                    ledger.add(mid, data)
                    series.record(now(), (time.monotonic() - t) * 1000)
                else:
                    series.failures.add(f"DATA answered {code}")
                    time.sleep(0.2)
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                pass
        except (OSError, smtplib.SMTPException) as e:
            kind = f"{type(e).__name__}"
            if inc != smtp.incarnation:
                series.expected.add(f"{kind} on a connection to the killed process")
            else:
                series.failures.add(f"{kind}: {str(e)[:80]}")
                time.sleep(0.2)
            try:
                conn.close()
            except OSError:
                pass
    ledger.file.close()
    return series.export()


# --- idle and slowloris connections ----------------------------------------------------------------


class Held:
    """One held connection: its group, when it was opened and to which process, what it was sent and got."""

    __slots__ = ("sock", "group", "opened", "incarnation", "got", "next_byte", "sent", "late", "reset")

    def __init__(self, sock, group, incarnation):
        self.sock, self.group, self.opened, self.incarnation = sock, group, time.monotonic(), incarnation
        self.got, self.next_byte, self.sent, self.late, self.reset = b"", 0.0, 0, False, None


class Group:
    """Connections of one kind to one listener, kept at their target count: each close is recorded."""

    def __init__(self, server, listener, target, how, timeout, what, slow=False):
        self.server, self.listener, self.target, self.how = server, listener, target, how
        self.timeout, self.what, self.slow = timeout, what, slow
        self.open = 0
        self.opened = 0
        self.connect_failures = Counter()
        self.closes = Counter()  # (cause, reply) -> n
        self.ages = []  # ages at close by timeout
        self.early = []  # (age, reply) closes before the timeout, not explained by a kill
        self.late = 0  # held past timeout + slack (checked while open)

    @property
    def name(self):
        return f"{self.server.name}/{self.listener}"

    def export(self):
        return {"name": self.name, "target": self.target, "opened": self.opened, "what": self.what, "slow": self.slow,
                "closes": self.closes.items(), "ages": self.ages, "early": self.early, "late": self.late,
                "connect_failures": self.connect_failures.items()}


HTTP_SLOW = b"GET /small.html HTTP/1.1\r\nHost: localhost\r\nUser-Agent: soak-slowloris\r\nX-Slow: " + b"s" * 4000
SMTP_SLOW = b"EHLO " + b"slowloris-" * 50


class Holder:
    """One thread and one epoll set for every idle and slowloris connection."""

    def __init__(self, groups, ca, max_fds):
        self.groups, self.sel = groups, selectors.DefaultSelector()
        self.ctx = ssl.create_default_context(cafile=ca)
        self.max_fds = max_fds
        self.samples = []  # (t, open idle, open slowloris)
        self.rnd = random.Random(11)

    def connect(self, g):
        if g.server.down:
            return
        inc = g.server.incarnation
        try:
            s = socket.create_connection(("127.0.0.1", g.server.port(g.listener)), timeout=2)
            if g.listener == "https":
                s = self.ctx.wrap_socket(s, server_hostname="localhost")
            if g.how == "after-request":
                s.sendall(b"GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n")
                buf = b""
                while b"\r\n\r\n" not in buf or len(buf.split(b"\r\n\r\n", 1)[1]) < int(re.search(rb"content-length: (\d+)", buf, re.I).group(1)):
                    chunk = s.recv(65536)
                    if not chunk:
                        raise ConnectionError("closed before the response ended")
                    buf += chunk
                    if len(buf) > 100000:
                        raise ConnectionError("response too long")
                if not buf.startswith(b"HTTP/1.1 200"):
                    raise ConnectionError(buf.split(b"\r\n", 1)[0].decode(errors="replace"))
            s.setblocking(False)
        except (OSError, AttributeError, ValueError) as e:
            g.connect_failures.add(f"{type(e).__name__}: {str(e)[:60]}" if inc == g.server.incarnation else "while the process was killed")
            return
        h = Held(s, g, inc)
        h.next_byte = time.monotonic() + self.rnd.uniform(0.5, 2.5)
        self.sel.register(s, selectors.EVENT_READ, h)
        g.open += 1
        g.opened += 1
        return h

    def closed(self, h, cause):
        g = h.group
        self.sel.unregister(h.sock)
        h.sock.close()
        g.open -= 1
        age = time.monotonic() - h.opened
        reply = h.got.split(b"\r\n")[-2 if h.got.endswith(b"\r\n") else -1][:40].decode(errors="replace") if h.got else "(no reply)"
        if g.how == "greeted" or g.listener == "smtp":
            # the greeting is not the closing reply
            lines = [l for l in h.got.split(b"\r\n") if l and not l.startswith(b"220")]
            reply = lines[-1][:40].decode(errors="replace") if lines else "(no reply)"
        elif g.listener.startswith("http"):
            first = h.got.split(b"\r\n", 1)[0][:40].decode(errors="replace")
            reply = first or "(no reply)"
        if h.reset and reply in ("", "(no reply)"):
            # a reset (we sent a byte after the server's close) drops whatever reply was not read yet
            reply = f"(no reply read: {h.reset})"
        if h.incarnation != g.server.incarnation:
            g.closes.add(("process killed", ""))
        elif cause == "run ended":
            g.closes.add(("open when the run ended", ""))
        elif age < g.timeout - EARLY_SLACK:
            g.closes.add(("closed before its timeout", reply))
            g.early.append((round(age, 1), reply))
        else:
            g.closes.add(("closed by the server's timeout", reply))
            g.ages.append(age)

    def run(self, duration, ramp_limit=120):
        """Opens every connection first (for up to ramp_limit s), then starts the run's clock and holds them."""
        last_sample, last_check = 0.0, 0.0
        slow = set()
        ramp_start = time.monotonic()
        self.ramp = None
        for _ in range(int((duration + ramp_limit) * 20) + 100):
            if STOP.is_set():
                break
            if self.ramp is None and (all(g.open >= g.target for g in self.groups) or time.monotonic() - ramp_start > ramp_limit):
                self.ramp = (round(time.monotonic() - ramp_start, 1), self.open_total())
                T0.value = time.monotonic()
                RAMPED.set()
            # Connections opened per tick, taking turns between groups: a bare connect costs little, one
            # with a request (and a TLS handshake) much more, so each kind has its own count and time
            # budget. Reading and dribbling never wait long: a close is seen, and aged, within a tick.
            for cheap, budget, seconds in ((True, 200, 0.15), (False, 50, 0.15)):
                until = time.monotonic() + seconds
                while budget > 0 and time.monotonic() < until and self.open_total() < self.max_fds:
                    wanting = [g for g in self.groups if g.open < g.target and not g.server.down
                               and (g.how != "after-request") == cheap]
                    if not wanting:
                        break
                    for g in wanting:
                        budget -= 1
                        h = self.connect(g)
                        if h and g.slow:
                            slow.add(h)
            for key, _ in self.sel.select(timeout=0.05):
                h = key.data
                try:
                    data = h.sock.recv(65536)
                except (ssl.SSLWantReadError, BlockingIOError):
                    continue
                except OSError as e:
                    data = b""
                    h.reset = type(e).__name__
                if data:
                    h.got = (h.got + data)[-512:]
                    continue
                slow.discard(h)
                self.closed(h, "server")
            t = time.monotonic()
            for h in slow:
                if t >= h.next_byte and h.incarnation == h.group.server.incarnation:
                    script = HTTP_SLOW if h.group.listener.startswith("http") else SMTP_SLOW
                    try:
                        h.sock.send(script[h.sent % len(script):h.sent % len(script) + 1])
                        h.sent += 1
                    except OSError:
                        pass  # the read side reports the close
                    h.next_byte = t + self.rnd.uniform(1.0, 3.0)
            if t - last_check >= 1.0:
                last_check = t
                for key in self.sel.get_map().values():
                    h = key.data
                    g = h.group
                    if not h.late and t - h.opened > g.timeout + LATE_SLACK and h.incarnation == g.server.incarnation:
                        g.late += 1
                        h.late = True
            if self.ramp and t - last_sample >= SAMPLE_EVERY:
                last_sample = t
                self.samples.append((now(), sum(g.open for g in self.groups if not g.slow), sum(g.open for g in self.groups if g.slow)))
        for key in list(self.sel.get_map().values()):
            self.closed(key.data, "run ended")
        return {"samples": self.samples, "groups": [g.export() for g in self.groups], "ramp": self.ramp}

    def open_total(self):
        return sum(g.open for g in self.groups)


# --- certificate swaps and handshakes ----------------------------------------------------------------


class Handshakes:
    """A TLS handshake to the HTTPS listener every 0.2 s, verified against the soak CA."""

    def __init__(self, http, ca):
        self.http = http
        self.ctx = ssl.create_default_context(cafile=ca)
        self.ok = 0
        self.failed = []  # (t, error)
        self.seen = {}  # fingerprint -> first time seen

    def run(self, duration):
        for _ in range(int(duration / HANDSHAKE_EVERY) + 10):
            if STOP.is_set():
                break
            t = now()
            try:
                with socket.create_connection(("127.0.0.1", self.http.port("https")), timeout=5) as raw:
                    with self.ctx.wrap_socket(raw, server_hostname="localhost") as s:
                        fp = hashlib.sha256(s.getpeercert(binary_form=True)).hexdigest()
                self.ok += 1
                self.seen.setdefault(fp, t)
            except (OSError, ssl.SSLError) as e:
                self.failed.append((round(t, 1), f"{type(e).__name__}: {e}"[:120]))
            time.sleep(max(0.0, HANDSHAKE_EVERY - (now() - t)))
        return {"ok": self.ok, "failed": self.failed, "seen": self.seen}


def run_swaps(certs, swaps, duration):
    for k in range(1, int(duration // SWAP_EVERY) + 1):
        if not wait_until(k * SWAP_EVERY) or now() > duration - 5:
            return
        swaps.append((now(), certs.issue()))


def run_kills(smtp, kills, at):
    for t in at:
        if not wait_until(t):
            return
        t_kill = now()
        smtp.kill()
        smtp.start()
        kills.append((t_kill, now()))
        log(f"SMTP killed at {t_kill:.0f} s, serving again after {now() - t_kill:.1f} s")


def run_sampler(servers, samples, duration):
    for _ in range(int(duration / SAMPLE_EVERY) + 10):
        t = now()
        for s in servers:
            if s.alive() and not s.down:
                samples.append((t, s.name, s.incarnation, s.rss_kib(), s.heap_bytes(), s.fds()))
        if STOP.wait(SAMPLE_EVERY):
            return


# --- checks after the run ----------------------------------------------------------------------------


def check_maildir(maildir, ledgers):
    """Every acknowledged message is in new/ with the same bytes, after the server's trace headers."""
    acked, found, lost, differ = 0, 0, [], []
    by_mid = {}
    newdir = os.path.join(maildir, "new")
    for name in os.listdir(newdir):
        with open(os.path.join(newdir, name), "rb") as f:
            head = f.read(4096)
        m = re.search(rb"\r\nMessage-ID: (<[^>]+>)\r\n", head)
        if m:
            by_mid.setdefault(m.group(1).decode(), []).append(name)
    trace = re.compile(rb"\AReturn-Path: <[^>]*>\r\nReceived: [^\r]*\r\n(?:[ \t][^\r]*\r\n)*")
    for path in ledgers:
        for mid, sent in MailLedger.read(path):
            acked += 1
            names = by_mid.get(mid)
            if not names:
                lost.append(mid)
                continue
            ok = False
            for name in names:
                with open(os.path.join(newdir, name), "rb") as f:
                    data = f.read()
                m = trace.match(data)
                if m and data[m.end():] == sent:
                    ok = True
            if ok:
                found += 1
            else:
                differ.append(mid)
    stored = sum(len(v) for v in by_mid.values())
    return acked, found, lost, differ, stored, len(os.listdir(os.path.join(maildir, "tmp")))


def child(queue, key, fn, *args):
    """A forked process running fn(*args); what it returns (or the error it died of) comes back on queue."""

    def body():
        try:
            result = fn(*args)
        except BaseException as e:  # reported as a failed load process, never hidden
            result = ("error", f"{type(e).__name__}: {e}")
        queue.put((key, result))

    return MP.Process(target=body, name=key, daemon=True)


def wait_fds(servers, baseline, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        after = {s.name: s.fds() for s in servers}
        if all(after[n] is not None and after[n] <= baseline[n] + FD_TOLERANCE for n in after) or time.monotonic() > deadline:
            return after
        time.sleep(0.5)


# --- report ---------------------------------------------------------------------------------------


def fmt_ms(v):
    return "" if v is None else (f"{v:.1f}" if v >= 10 else f"{v:.2f}")


def svg_chart(series_list, bounds, path, kills=()):
    """Two panels: request rate (each client as % of its own mean) and p99 latency (ms, log scale); SMTP kills dashed."""
    W, H, L, R, T, PH, GAP = 900, 520, 70, 160, 30, 190, 60
    colors = ["#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c"]
    n = len(bounds)
    xs = lambda i: L + (W - L - R) * (i + 0.5) / max(1, n)  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>']
    import math
    panels = [("request rate, % of the client's mean over the run", T), ("p99 latency, ms (log scale)", T + PH + GAP)]
    rates, p99s = {}, {}
    for s in series_list:
        rows = [s.interval(i, e - b) for i, b, e in bounds]
        r = [row[1] for row in rows]
        mean = statistics.mean([v for v in r if v > 0]) if any(v > 0 for v in r) else 1
        rates[s.name] = [100 * v / mean for v in r]
        p99s[s.name] = [row[2] for row in rows]
    rmax = max([150] + [v for vals in rates.values() for v in vals])
    pvals = [v for vals in p99s.values() for v in vals if v]
    pmin, pmax = (min(pvals), max(pvals)) if pvals else (0.1, 10)
    lo, hi = math.floor(math.log10(max(pmin, 0.01))), math.ceil(math.log10(max(pmax, 0.02)))
    if hi <= lo:
        hi = lo + 1
    for title, top in panels:
        out.append(f'<text x="{L}" y="{top - 8}" font-weight="bold">{title}</text>')
        out.append(f'<rect x="{L}" y="{top}" width="{W - L - R}" height="{PH}" fill="none" stroke="#999"/>')
    for k in range(0, int(rmax) + 1, 50):
        y = T + PH - PH * k / rmax
        out.append(f'<line x1="{L}" x2="{W - R}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/><text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end">{k}%</text>')
    top2 = T + PH + GAP
    for e in range(lo, hi + 1):
        y = top2 + PH - PH * (e - lo) / (hi - lo)
        out.append(f'<line x1="{L}" x2="{W - R}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/><text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end">{10 ** e:g}</text>')
    for i, b, e in bounds:
        if i % max(1, n // 10) == 0:
            out.append(f'<text x="{xs(i):.1f}" y="{top2 + PH + 16}" text-anchor="middle">{int(b)} s</text>')
    span = bounds[-1][2] if bounds else 1
    for t in kills:
        x = L + (W - L - R) * t / span
        for top in (T, T + PH + GAP):
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + PH}" stroke="#555" stroke-dasharray="4 3"/>')
        out.append(f'<text x="{x + 3:.1f}" y="{T + PH - 4}" fill="#555">SMTP kill</text>')
    for c, s in enumerate(series_list):
        col = colors[c % len(colors)]
        pts = " ".join(f"{xs(i):.1f},{T + PH - PH * v / rmax:.1f}" for i, v in enumerate(rates[s.name]))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{col}" stroke-width="2"/>')
        pts = " ".join(f"{xs(i):.1f},{top2 + PH - PH * (math.log10(v) - lo) / (hi - lo):.1f}"
                       for i, v in enumerate(p99s[s.name]) if v and v > 0)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{col}" stroke-width="2"/>')
        out.append(f'<rect x="{W - R + 15}" y="{T + 20 * c}" width="12" height="12" fill="{col}"/>'
                   f'<text x="{W - R + 32}" y="{T + 20 * c + 11}">{s.name}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--duration", type=float, required=True)
    ap.add_argument("--mode", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    duration = args.duration
    root = args.root
    jars = {m: os.path.join(root, f"server-{m}", "target", f"server-{m}.jar") for m in ("http", "smtp", "echo")}
    work = tempfile.mkdtemp(prefix="berth-soak.")
    java_opts = os.environ.get("SOAK_JAVA_OPTS", "").split()
    os.makedirs(args.out, exist_ok=True)

    # Our own open-file limit holds every client socket; raise the soft limit to the hard one.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    max_fds = hard - 500  # room for the real clients, pipes and the jars' files
    wanted = sum(p[2] for p in IDLE_PLAN) + sum(p[2] for p in SLOWLORIS_PLAN)
    scale = min(1.0, max_fds / wanted)
    if scale < 1.0:
        log(f"open-file limit {hard}: idle and slowloris counts scaled to {scale:.0%}")

    def per_ip(server, listener, extra):
        n = sum(int(p[2] * scale) for p in IDLE_PLAN + SLOWLORIS_PLAN if p[0] == server and p[1] == listener) + extra
        return str(-(-int(n * 1.1) // 100) * 100)  # 10 % over what the soak opens, rounded up to 100

    # Per-IP limits (default 256) are the only limits raised: every soak connection comes from
    # 127.0.0.1. Everything else is the jars' defaults.
    limit_flags = {
        "http": ["--http-max-connections-per-ip", per_ip("http", "http", 8), "--https-max-connections-per-ip", per_ip("http", "https", 16)],
        "smtp": ["--smtp-max-connections-per-ip", per_ip("smtp", "smtp", 8)],
        "echo": ["--echo-max-connections-per-ip", per_ip("echo", "echo", 8)],
    }
    www = os.path.join(work, "www")
    make_root(www)
    certs = Certificates(work)
    certs.issue()
    maildir = os.path.join(work, "maildir")
    servers = {
        "http": Server("http", jars["http"], ["--host", "127.0.0.1", "--http-port", "0", "--https-port", "0", "--http-redirect", "false",
                                              "--root", www, "--tls-cert", certs.served, "--data-dir", os.path.join(work, "http-data"),
                                              *limit_flags["http"]], work, java_opts, ["http", "https"]),
        "smtp": Server("smtp", jars["smtp"], ["--host", "127.0.0.1", "--smtp-port", "0", "--tls-cert", certs.served,
                                              "--data-dir", os.path.join(work, "smtp-data"), "--smtp-maildir", maildir,
                                              *SMTP_TIMEOUT_FLAGS, *limit_flags["smtp"]], work, java_opts, ["smtp"]),
        "echo": Server("echo", jars["echo"], ["--host", "127.0.0.1", "--echo-port", "0", "--echo-udp-port", "0", "--greeting-port", "0",
                                              "--data-dir", os.path.join(work, "echo-data"), *limit_flags["echo"]], work, java_opts, ["echo", "echo-udp", "greeting"]),
    }
    exit_code = 1
    try:
        for s in servers.values():
            s.start()
            log(f"{s.name} ready: {s.ports}")
        http, smtp, echo = servers["http"], servers["smtp"], servers["echo"]

        # Warm-up: one of each kind of request, so that lazily opened files count in the baseline.
        for scheme, port in (("http", http.port("http")), ("https", http.port("https"))):
            for path in ("/small.html", "/medium.bin", "/index.html"):
                subprocess.run(["curl", "-sk", "-o", "/dev/null", f"{scheme}://127.0.0.1:{port}{path}"], check=False, timeout=10)
        subprocess.run(["h2load", "-n4", "-c1", f"https://127.0.0.1:{http.port('https')}/small.html"], capture_output=True, timeout=30)
        with smtplib.SMTP("127.0.0.1", smtp.port("smtp"), local_hostname="soak.test", timeout=10) as c:
            c.sendmail("warm@soak.test", ["sink@soak.test"], b"Subject: warm-up\r\n\r\nwarm-up\r\n")
        subprocess.run(["socat", "-", f"TCP:127.0.0.1:{echo.port('echo')}"], input=b"warm-up\n", capture_output=True, timeout=10)
        time.sleep(3)
        baseline = {s.name: s.fds() for s in servers.values()}
        baseline_kinds = {s.name: s.fd_kinds() for s in servers.values()}
        live_before = {s.name: s.live_heap_bytes() for s in servers.values()}
        log(f"fd baseline {baseline}")

        groups = [Group(servers[sv], ls, int(n * scale), how, to, what) for sv, ls, n, how, to, what in IDLE_PLAN]
        groups += [Group(servers[sv], ls, int(n * scale), "slowloris", to, what, slow=True) for sv, ls, n, to, what in SLOWLORIS_PLAN]
        holder = Holder(groups, certs.ca, max_fds)
        handshakes = Handshakes(http, certs.ca)
        ledgers = [os.path.join(work, f"ledger-{c}.bin") for c in (1, 2)]
        series = [Series("http wrk"), Series("https wrk"), Series("h2 h2load"), Series("smtp smtplib"), Series("echo socat")]
        swaps, kills, samples = [], [], []
        kill_at = [duration / 2] if args.mode == "quick" else [k * KILL_EVERY for k in range(1, int((duration - 10) // KILL_EVERY) + 1)]
        # Python loops run in processes of their own (forked before any thread starts), so that
        # none waits on another's interpreter lock; the external tools run from threads here.
        results = MP.Queue()
        holder_process = child(results, "holder", holder.run, duration)
        holder_process.start()
        log("opening the idle and slowloris connections")
        if not RAMPED.wait(150):
            raise SystemExit("soak: the connection holder did not finish opening its connections in 150 s")
        log("connections open; the timed load starts")
        children = [
            holder_process,
            child(results, "handshakes", handshakes.run, duration),
            child(results, "smtp 1", run_smtp, series[3], smtp, MailLedger(ledgers[0]), 1, 200_000),
            child(results, "smtp 2", run_smtp, series[3], smtp, MailLedger(ledgers[1]), 2, 200_000),
            child(results, "echo", run_echo, series[4], echo, duration),
        ]
        threads = [
            threading.Thread(target=run_swaps, args=(certs, swaps, duration), name="swaps"),
            threading.Thread(target=run_kills, args=(smtp, kills, kill_at), name="kills"),
            threading.Thread(target=run_sampler, args=(list(servers.values()), samples, duration), name="sampler"),
            threading.Thread(target=run_wrk, args=(series[0], f"http://127.0.0.1:{http.port('http')}/small.html", 4, duration, work), name="wrk http"),
            threading.Thread(target=run_wrk, args=(series[1], f"https://127.0.0.1:{http.port('https')}/medium.bin", 4, duration, work), name="wrk https"),
            threading.Thread(target=run_h2load, args=(series[2], f"https://127.0.0.1:{http.port('https')}/small.html", duration, work), name="h2load"),
        ]
        log(f"load for {duration:.0f} s: {sum(g.target for g in groups if not g.slow)} idle, "
            f"{sum(g.target for g in groups if g.slow)} slowloris, {len(series)} real clients, swaps every {SWAP_EVERY:.0f} s, "
            f"SMTP kills at {', '.join(f'{t:.0f}' for t in kill_at)} s")
        for c in children[1:]:
            c.start()
        for t in threads:
            t.daemon = True
            t.start()
        wait_until(duration)
        STOP.set()
        got = {}
        deadline = time.monotonic() + 120
        while len(got) < len(children) and time.monotonic() < deadline:
            try:
                key, value = results.get(timeout=max(0.1, deadline - time.monotonic()))
                got[key] = value
            except Exception:  # queue.Empty: a child that never answered is reported below
                break
        for c in children:
            c.join(10)
            if c.is_alive():
                c.kill()
        for t in threads:
            t.join(120)
        stuck = [t.name for t in threads if t.is_alive()] + [c.name for c in children if c.name not in got]
        stuck += [f"{k} ({v[1] if isinstance(v, tuple) else v})" for k, v in got.items() if not isinstance(v, dict)]
        got = {k: v for k, v in got.items() if isinstance(v, dict)}
        for key in ("smtp 1", "smtp 2"):
            if key in got:
                series[3].merge(got[key])
        if "echo" in got:
            series[4].merge(got["echo"])
        held = got.get("holder", {"samples": [], "groups": []})
        shakes = got.get("handshakes", {"ok": 0, "failed": [], "seen": {}})
        log("load ended; checking")
        after = wait_fds(list(servers.values()), baseline)
        after_kinds = {s.name: s.fd_kinds() for s in servers.values()}
        end_rss = {s.name: s.rss_kib() for s in servers.values()}
        live_after = {s.name: s.live_heap_bytes() for s in servers.values()}
        acked, found, lost, differ, stored, tmp_left = check_maildir(maildir, [p for p in ledgers if os.path.exists(p)])
        stops = {s.name: s.stop() for s in servers.values()}

        bounds = interval_bounds(duration)
        checks = []

        def check(what, value, ok, expected):
            checks.append((what, value, expected, "ok" if ok else "FAILED"))

        check("acknowledged SMTP messages lost", f"{len(lost)} of {acked}", not lost, "0")
        check("acknowledged SMTP messages stored with other bytes", str(len(differ)), not differ, "0")
        swap_times = [t for t, _ in swaps]
        during = [f for f in shakes["failed"] if any(abs(f[0] - t) <= 5 for t in swap_times)]
        check("TLS handshakes failed during certificate swaps (within 5 s)", f"{len(during)} of {shakes['ok'] + len(shakes['failed'])}", not during, "0")
        check("TLS handshakes failed at other times", str(len(shakes["failed"]) - len(during)), len(shakes["failed"]) == len(during), "0")
        for name in baseline:
            check(f"{name}: open fds back to baseline", f"{baseline[name]} before, {after[name]} after",
                  after[name] is not None and after[name] <= baseline[name] + FD_TOLERANCE, f"<= {baseline[name] + FD_TOLERANCE}")
        unexpected = sum(n for s in series for _, n in s.failures.items())
        check("unexpected failed requests (real clients)", str(unexpected), unexpected == 0, "0")
        groups = held["groups"]
        early = sum(len(g["early"]) for g in groups)
        check("idle or slowloris connections closed before their timeout", str(early), early == 0, "0")
        late = sum(g["late"] for g in groups)
        check(f"idle or slowloris connections held past their timeout + {LATE_SLACK:.0f} s", str(late), late == 0, "0")
        for name, rc in stops.items():
            check(f"{name}: exit status after SIGTERM", str(rc), rc == 0, "0")
        if stuck:
            check("load threads or processes that did not end or failed", ", ".join(stuck), False, "none")
        exit_code = 0 if all(c[3] == "ok" for c in checks) else 1

        md = []
        commit = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
        md.append(f"# Soak run {args.mode}: {duration:.0f} s\n")
        md.append(f"Berth {commit}, {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores, {java}; "
                  f"JVM options: {' '.join(java_opts) or 'none (the defaults users get)'}. Client and servers share the machine.\n")
        md.append("Flags beyond `--host 127.0.0.1`, port 0, `--ready-file`, `--data-dir`, `--root`, `--tls-cert` "
                  "(and `--http-redirect false`, `--smtp-maildir`): the per-IP connection limits only, since every soak "
                  "connection comes from 127.0.0.1: " + "; ".join(f"{k}: `{' '.join(v)}`" for k, v in limit_flags.items()) + "; "
                  f"and one timeout, `{' '.join(SMTP_TIMEOUT_FLAGS)}` (default 5m), so that it runs out between the "
                  "SMTP kills every 2 minutes.\n")
        md.append("## Must hold\n\n| check | value | expected | result |\n| --- | --- | --- | --- |")
        md += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in checks]
        md.append(f"\nExit status: {exit_code}.\n")
        md.append("## Real clients per 30 s interval\n\nRequests per second and p99 latency in ms "
                  "(wrk: HTTP/1.1 keep-alive, 4 connections; h2load: 2 connections x 8 streams; smtplib: 2 clients, one "
                  "MAIL/RCPT/DATA per request, each fsynced by the server; socat: one connection, a 66-byte line at a time).\n")
        md.append("| interval | " + " | ".join(f"{s.name} req/s | p99" for s in series) + " |")
        md.append("| --- | " + " | ".join("---: | ---:" for _ in series) + " |")
        for i, b, e in bounds:
            marks = []
            if any(b <= t < e for t in swap_times):
                marks.append("swap")
            if any(b <= t < e for t, _ in kills):
                marks.append("SMTP kill")
            cells = []
            for s in series:
                n, rate, p99 = s.interval(i, e - b)
                cells.append(f"{rate:.0f} | {fmt_ms(p99)}")
            md.append(f"| {int(b)}-{int(e)} s{' (' + ', '.join(marks) + ')' if marks else ''} | " + " | ".join(cells) + " |")
        md.append("\n![rate and p99 per interval, SMTP kills dashed](chart.svg)\n")
        md.append("## Failed requests by kind\n\n| client | kind | count | expected |\n| --- | --- | ---: | --- |")
        rows = 0
        for s in series:
            for k, n in s.failures.items():
                md.append(f"| {s.name} | {k} | {n} | no |")
                rows += 1
            for k, n in s.expected.items():
                md.append(f"| {s.name} | {k} | {n} | yes: the connection was open on the killed SMTP process |")
                rows += 1
        if not rows:
            md.append("| all | none | 0 | |")
        md.append("\n## Certificate swaps\n")
        md.append(f"{len(swaps)} swaps (a new P-256 key pair and certificate from the soak CA, chain and key in one PEM "
                  f"renamed over the served file, every {SWAP_EVERY:.0f} s); {shakes['ok'] + len(shakes['failed'])} verified "
                  f"handshakes to the HTTPS listener (one every {HANDSHAKE_EVERY} s), {len(shakes['failed'])} failed.")
        lags = []
        for t, fp in swaps:
            first = shakes["seen"].get(fp)
            lags.append(None if first is None else first - t)
        seen = [x for x in lags if x is not None]
        md.append(f"New certificate first served after the swap: {len(seen)} of {len(swaps)} seen"
                  + (f", after {min(seen):.1f} s at best, {statistics.median(seen):.1f} s median, {max(seen):.1f} s at worst." if seen else "."))
        for f in shakes["failed"][:20]:
            md.append(f"- failed handshake at {f[0]} s: {f[1]}")
        md.append("\n## SMTP: kills and acknowledged mail\n")
        for t_kill, t_ready in kills:
            md.append(f"- SIGKILL at {t_kill:.0f} s; the new process was ready {t_ready - t_kill:.1f} s later")
        md.append(f"\n{acked} messages got 250; {found} are in `new/` byte for byte (after the server's "
                  f"Return-Path and Received headers), {len(lost)} missing, {len(differ)} with other bytes. `new/` holds "
                  f"{stored} soak messages in all (a message the server stored but whose 250 the killed process never "
                  f"sent is allowed). Files left in `tmp/` (never acknowledged): {tmp_left}.")
        for mid in (lost + differ)[:20]:
            md.append(f"- {mid}")
        md.append("\n## Idle and slowloris connections\n")
        if held.get("ramp"):
            md.append(f"Before the timed load, {held['ramp'][1]} connections were opened in {held['ramp'][0]} s.")
        opened = [x for x in held["samples"] if x[0] > 60] or held["samples"]
        if opened:
            md.append(f"Idle connections open (sampled every {SAMPLE_EVERY:.0f} s after the first minute): min {min(x[1] for x in opened)}, "
                      f"max {max(x[1] for x in opened)} of {sum(g['target'] for g in groups if not g['slow'])}; slowloris open: min "
                      f"{min(x[2] for x in opened)}, max {max(x[2] for x in opened)} of {sum(g['target'] for g in groups if g['slow'])}. "
                      "A connection the server closes is opened again, so the count stays near its target.\n")
        md.append("| connections | target | opened | what should close them | how they ended | count | age at close by timeout (s) |\n| --- | ---: | ---: | --- | --- | ---: | --- |")
        for g in groups:
            ages = sorted(g["ages"])
            age = f"min {ages[0]:.1f}, median {statistics.median(ages):.1f}, max {ages[-1]:.1f}" if ages else ""
            kind = "slowloris" if g["slow"] else "idle"
            first = True
            for (cause, reply), n in g["closes"]:
                md.append(f"| {kind} {g['name']} | {g['target'] if first else ''} | {g['opened'] if first else ''} | {g['what'] if first else ''} | "
                          f"{cause}{': ' + reply.replace('|', '/') if reply else ''} | {n} | {age if cause.startswith('closed by') else ''} |")
                first = False
            for k, n in g["connect_failures"]:
                md.append(f"| {kind} {g['name']} | | | | connect failed: {k} | {n} | |")
            for age_s, reply in g["early"][:5]:
                md.append(f"| {kind} {g['name']} | | | | example of an early close: after {age_s} s, {reply} | | |")
        md.append("\n## Memory and file descriptors\n")
        md.append("RSS from /proc/PID/status, heap from the admin listener's `jvm_memory_used_bytes{area=\"heap\"}`, "
                  f"sampled every {SAMPLE_EVERY:.0f} s; shown per 30 s interval as the largest RSS sample and the "
                  "smallest and largest heap sample (MiB). SMTP's figures restart with each new process after a kill.\n")
        md.append("| interval | " + " | ".join(f"{n} RSS | {n} heap" for n in servers) + " |")
        md.append("| --- | " + " | ".join("---: | ---:" for _ in servers) + " |")
        for i, b, e in bounds:
            cells = []
            for n in servers:
                rs = [x[3] for x in samples if x[1] == n and b <= x[0] < e and x[3]]
                hs = [x[4] for x in samples if x[1] == n and b <= x[0] < e and x[4]]
                cells.append(f"{max(rs) / 1024:.0f} | {min(hs) / 2 ** 20:.0f}-{max(hs) / 2 ** 20:.0f}" if rs and hs else " | ")
            md.append(f"| {int(b)}-{int(e)} s | " + " | ".join(cells) + " |")
        md.append("")
        for n in servers:
            inc = max((x[2] for x in samples if x[1] == n), default=0)
            rs = [(x[0], x[3]) for x in samples if x[1] == n and x[2] == inc and x[3]]
            if len(rs) >= 6:
                half = [r for t, r in rs if t >= rs[0][0] + (rs[-1][0] - rs[0][0]) / 2]
                first = [r for t, r in rs if t < rs[0][0] + (rs[-1][0] - rs[0][0]) / 2]
                md.append(f"- {n} (process {inc}): RSS peak {max(first) / 1024:.0f} MiB in the first half of its life, "
                          f"{max(half) / 1024:.0f} MiB in the second ({(max(half) / max(first) - 1) * 100:+.0f} %); at the end, "
                          f"after the load, {(end_rss[n] or 0) / 1024:.0f} MiB.")
        md.append("\nLive heap, the heap in use right after a full collection (`jcmd PID GC.run`), before the load "
                  "(after the warm-up) and after it (clients closed); with a large default heap a young collection "
                  "leaves old objects for later, so the samples above climb while this is the figure a leak moves. "
                  "SMTP's after is its last process.\n")
        md.append("| process | live heap before (MiB) | after (MiB) |\n| --- | ---: | ---: |")
        for n in servers:
            b, a = live_before[n], live_after[n]
            md.append(f"| {n} | {'' if b is None else f'{b / 2 ** 20:.1f}'} | {'' if a is None else f'{a / 2 ** 20:.1f}'} |")
        md.append("\n| process | fds before the load | fds after (load ended, clients closed) | before, by kind | after, by kind |\n| --- | ---: | ---: | --- | --- |")
        for n in servers:
            md.append(f"| {n} | {baseline[n]} | {after[n]} | {baseline_kinds[n]} | {after_kinds[n]} |")
        md.append("")
        with open(os.path.join(args.out, "results.md"), "w") as f:
            f.write("\n".join(md).replace(work, "RUN-DIR") + "\n")
        svg_chart(series, bounds, os.path.join(args.out, "chart.svg"), [t for t, _ in kills])
        with open(os.path.join(args.out, "samples.tsv"), "w") as f:
            f.write("seconds\tprocess\tincarnation\trss_kib\theap_bytes\tfds\n")
            for x in samples:
                f.write("\t".join("" if v is None else (f"{v:.1f}" if isinstance(v, float) else str(v)) for v in x) + "\n")
        for c in checks:
            log(f"{c[3]:6} {c[0]}: {c[1]}")
        log(f"results in {args.out}/results.md; exit status {exit_code}")
    finally:
        STOP.set()
        for s in servers.values() if "servers" in dir() else []:
            if s.alive():
                s.proc.kill()
                s.proc.wait()
        if args.keep or exit_code != 0:
            log(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
