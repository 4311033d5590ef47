"""Bounded load test of the production stack on loopback, optionally with a PostgreSQL restart in the middle.

Starts gunicorn (several workers, production settings) against ``DATABASE_URL`` (PostgreSQL with the demo
data from ``seed_demo``), logs in the demo users of every role, and lets them use their main pages at a
fixed total rate for ``--duration`` seconds. Families also send messages: every message the server
acknowledged (a redirect after the POST) is checked afterwards to be in the database. With
``--restart-postgres "<command>"`` the command (e.g. ``pg_ctl restart``) runs at the middle of the run and
the report separates errors during the outage from errors after it (there must be none after it).

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/los .venv/bin/python bench/load.py \\
        --duration 600 --rate 10 [--restart-postgres "su postgres -c '... pg_ctl ... restart'"]

Results go to stdout as a table and to ``bench/results/load-<date>.json``; docs/reliability.md records them.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import re
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "los-demo-2026"  # noqa: S105 - the demo log-ins of seed_demo, never a real one
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[tuple[float, str, str]] = field(default_factory=list)
    sent_messages: list[str] = field(default_factory=list)

    def record(self, name: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(name, []).append(seconds)

    def error(self, when: float, name: str, what: str) -> None:
        with self.lock:
            self.errors.append((when, name, what))


class Session:
    """A browser-like session on loopback: cookies kept by hand (the cookies are Secure in production, the
    stack sits behind a TLS proxy, which ``X-Forwarded-Proto`` stands in for)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return self.conn

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Accept-Language": "nb",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1{path}"
            headers["Origin"] = "https://127.0.0.1"
        try:
            conn = self._connection()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text

    def login(self, username: str) -> None:
        status, _, page = self.request("GET", "/konto/logg-inn/")
        token = CSRF_RE.search(page)
        if status != 200 or token is None:
            raise RuntimeError(f"login page for {username}: HTTP {status}")
        status, location, _ = self.request("POST", "/konto/logg-inn/", {
            "csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"log-in of {username} failed: HTTP {status}")


def production_env(run: str) -> dict[str, str]:
    """The settings of the production stack for a benchmark run (behind a stand-in TLS proxy, no second
    factor for the demo log-ins); static files and uploads go to a directory of their own, not var/."""
    from los.access import audit_keys

    # the audit key of the benchmarks (no secret, the same every run, so a second run verifies the events of the
    # first); the demo's events were written with the development key, kept to verify them
    bench_key = "bench:" + base64.urlsafe_b64encode(hashlib.sha256(b"los benchmark audit key").digest()).decode()
    return {
        "LOS_ENVIRONMENT": "production", "SECRET_KEY": "bench-" + uuid.uuid4().hex, "ALLOWED_HOSTS": "127.0.0.1",
        "LOS_AUDIT_KEY": bench_key, "LOS_AUDIT_OLD_KEYS": audit_keys.DEVELOPMENT_KEY,
        "BEHIND_PROXY": "1", "LOS_REQUIRE_STAFF_OTP": "0", "DB_CONN_MAX_AGE": "60",
        "LOS_VAR_DIR": str(Path(tempfile.gettempdir()) / f"los-bench-{run}-var"),
    }


def start_stack(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    """collectstatic, then gunicorn with ``workers`` workers on ``port``; returns once it answers."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"Port {port} is already in use: choose another with --port.")
    subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "--noinput",  # noqa: S603
                    "-v", "0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen([  # noqa: S603
        str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-w", str(workers),
        "-b", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env=env)
    for _ in range(120):
        try:
            Session(port).request("GET", "/konto/logg-inn/")
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within a minute")


def demo_targets() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from los.families.models import Family
    from los.meetings.models import Meeting

    family = Family.objects.filter(display_name="Familien Sæther").order_by("pk").first()
    if family is None:
        raise SystemExit("No demo family: run `manage.py seed_demo` against DATABASE_URL first.")
    meeting = Meeting.objects.filter(family=family).order_by("-starts_at").first()
    return {"family": family.pk, "meeting": meeting.pk if meeting else None}


def role_pages(t: dict) -> dict[str, list[str]]:
    f = t["family"]
    family_pages = [f"/familier/{f}/", f"/plan/familie/{f}/", f"/moter/familie/{f}/", f"/tjenester/familie/{f}/",
                    f"/los/familie/{f}/"]
    if t["meeting"]:
        family_pages.append(f"/moter/{t['meeting']}/")
    return {
        "koordinator": ["/", "/moter/mine-oppgaver/", *family_pages],
        "saksbehandler": ["/", "/henvendelser/ko/", f"/familier/{f}/", f"/henvendelser/familie/{f}/"],
        "leder": ["/", "/statistikk/", "/statistikk/enhet/ko/"],
        "kommunalsjef": ["/", "/statistikk/kommune/"],
        "forelder": ["/", f"/familie/{f}/", f"/familie/{f}/meldinger/", f"/plan/familie/{f}/"],
        "kontakt.skole": ["/", f"/plan/familie/{f}/", "/moter/mine-oppgaver/"],
    }


def worker(name: str, pages: list[str], port: int, stats: Stats, start: float, stop: float, interval: float,
           family_pk: int, run_id: str, rng: random.Random) -> None:
    session = Session(port)
    while time.time() < stop:
        try:
            session.login(name)
            break
        except Exception as error:
            stats.error(time.time() - start, f"login {name}", str(error))
            time.sleep(1)
    next_at = time.time() + rng.random() * interval
    while time.time() < stop:
        time.sleep(max(0.0, next_at - time.time()))
        next_at += interval
        if name == "forelder" and rng.random() < 0.2:
            label = "POST message"
            try:
                status, _, page = session.request("GET", f"/familie/{family_pk}/meldinger/")
                token = CSRF_RE.search(page)
                marker = f"{run_id}-{uuid.uuid4().hex[:8]}"
                began = time.perf_counter()
                status, _, _ = session.request("POST", f"/familie/{family_pk}/meldinger/", {
                    "csrfmiddlewaretoken": token.group(1) if token else "", "body": f"Lasttest {marker}"})
                stats.record(label, time.perf_counter() - began)
                if status == 302:
                    with stats.lock:
                        stats.sent_messages.append(marker)
                else:
                    stats.error(time.time() - start, label, f"HTTP {status}")
            except Exception as error:
                stats.error(time.time() - start, label, type(error).__name__)
            continue
        path = rng.choice(pages)
        began = time.perf_counter()
        try:
            status, location, _ = session.request("GET", path)
        except Exception as error:
            stats.error(time.time() - start, path, type(error).__name__)
            continue
        stats.record(path, time.perf_counter() - began)
        if status != 200:
            stats.error(time.time() - start, path, f"HTTP {status} {location}")
            if status == 302 and "logg-inn" in location:
                try:
                    session.login(name)
                except Exception as error:
                    stats.error(time.time() - start, f"login {name}", str(error))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=600, help="seconds of load (default 600)")
    parser.add_argument("--rate", type=float, default=10.0, help="requests per second in all (default 10)")
    parser.add_argument("--users-per-role", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--restart-postgres", default="", help="command that restarts PostgreSQL mid-run")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database with the demo data.")
    targets = demo_targets()
    env = dict(os.environ, **production_env("load"))
    server = start_stack(env, args.port, args.workers)
    try:
        stats = Stats()
        pages = role_pages(targets)
        users = [(name, p) for name, p in pages.items() for _ in range(args.users_per_role)]
        interval = len(users) / args.rate
        run_id = datetime.now().strftime("%Y%m%d%H%M%S")
        start = time.time()
        stop = start + args.duration
        rng = random.Random(20261123)
        threads = [threading.Thread(target=worker, args=(name, p, args.port, stats, start, stop, interval,
                                                          targets["family"], run_id, random.Random(rng.random())))
                   for name, p in users]
        for thread in threads:
            thread.start()
        outage: tuple[float, float] | None = None
        if args.restart_postgres:
            time.sleep(args.duration / 2)
            began = time.time() - start
            # the operator's own command, from the command line
            subprocess.run(shlex.split(args.restart_postgres), check=True, stdout=subprocess.DEVNULL)  # noqa: S603
            outage = (began, time.time() - start)
        for thread in threads:
            thread.join()
        elapsed = time.time() - start
    finally:
        server.terminate()
        server.wait(timeout=30)

    from django.db import connection

    from los.portal.models import Message

    connection.close()  # this process's own connection may have died with the restart: open a new one

    found = sum(Message.objects.filter(body=f"Lasttest {marker}").exists() for marker in stats.sent_messages)
    recovered_after = None
    late_errors = []
    if outage:
        late_errors = [e for e in stats.errors if e[0] > outage[1] + 5]
        during = [e for e in stats.errors if e[0] <= outage[1] + 5 and e[0] >= outage[0]]
        recovered_after = max((e[0] for e in during), default=outage[1]) - outage[0]
    total = sum(len(v) for v in stats.latencies.values())
    report = {
        "date": datetime.now().isoformat(timespec="seconds"), "duration_s": round(elapsed), "rate_target": args.rate,
        "requests": total, "errors": len(stats.errors), "errors_sample": stats.errors[:10],
        "messages_acknowledged": len(stats.sent_messages), "messages_found_in_database": found,
        "postgres_restart": outage, "errors_after_recovery": len(late_errors) if outage else None,
        "errors_before_restart": len([e for e in stats.errors if e[0] < outage[0]]) if outage else None,
        "recovered_within_s": recovered_after,
        "pages": {name: {"n": len(v), "p50_ms": round(statistics.median(v) * 1000, 1),
                         "p95_ms": round(sorted(v)[int(0.95 * (len(v) - 1))] * 1000, 1)}
                  for name, v in sorted(stats.latencies.items())},
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"load-{report['date'][:10]}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(json.dumps({k: v for k, v in report.items() if k != "pages"}, indent=1, ensure_ascii=False))
    print(f"{'page':44} {'n':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for name, row in report["pages"].items():
        print(f"{name:44} {row['n']:>6} {row['p50_ms']:>8} {row['p95_ms']:>8}")
    early = [e for e in stats.errors if outage and e[0] < outage[0]]
    ok = found == len(stats.sent_messages) and (not outage and not stats.errors or outage and not late_errors
                                                 and not early)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
