"""Load, faults and soak, measured from outside with locust (issue 14).

    .venv/bin/python bench/bench_load.py [--quick] [--only baseline|faults|soak]
                                         [--soak-minutes 10] [--json PATH]

Everything runs on loopback and is stopped (and the database dropped) at the end, also
on Ctrl-C. The driver:

1. creates its own PostgreSQL database (engage_bench_load), runs `engage db upgrade` and
   `engage demo load` on it (ENGAGE_ENV=development: demo data is refused in production);
2. starts, with ENGAGE_ENV=production: its own redis-server on a spare port (no
   persistence, so restarting it harms no one), a real SMTP server (aiosmtpd) that
   records each receipt code it receives, gunicorn with deploy/gunicorn.conf.py, a
   Celery worker and Celery beat; and bench/hello_app.py, a bare Flask "hello", on the
   same gunicorn settings on another port;
3. signs the demo officer in once through the real two-step set-up (the authenticator
   key read from the set-up page, as a person copies it);
4. runs locust (bench/locustfile.py) headless, 20 users split evenly between "hello",
   the home page, the story form page, residents telling a story through every step,
   and an officer reading the moderation queue; then the fault runs and the soak.

After each run every receipt code locust got back is looked up in `submissions` by its
SHA-256 (engage.services.stories.receipts.digest): accepted, stored, lost, duplicated
(the same story stored twice), stored but never shown to its resident; emails asked for
against messages the SMTP server received; and every stored story must be tagged by the
worker within a bounded wait after the load stops.

Rate limits stay on: each resident arrives with their own address in X-Forwarded-For,
sent from 127.0.0.1, the trusted proxy (TRUSTED_PROXIES), as nginx would.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DATABASE = "engage_bench_load"
PG = ["-h", "127.0.0.1", "-U", "postgres"]
PG_URL = f"postgresql://postgres@127.0.0.1:5432/{DATABASE}"
OFFICER = "officer@engage.example"
PASSWORD = "try-engage-locally"  # engage.demo.DEMO_PASSWORD
CODE_IN_EMAIL = re.compile(r"reference code is ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")
# Each measured alone against "hello" alone: (locust request name, user class).
CAPACITY = (
    ("home /", "HomeUser"),
    ("story form /tell/story", "StoryFormUser"),
    ("moderation queue", "OfficerUser"),
    ("submission POST /tell/story", "ResidentUser"),
)
FAULTS = ("gunicorn_worker_killed", "celery_worker_killed", "smtp_down", "redis_restarted")
# What the table calls each locust request name.
ENDPOINTS = {
    "hello": "hello (bare Flask)",
    "home /": "home page /",
    "story form /tell/story": "story form page",
    "submission POST /tell/story": "story submission",
    "moderation queue": "moderation queue",
}


def log(message: str) -> None:
    print(message, flush=True)  # noqa: T201 (a bench prints its figures)


# --- the SMTP server (run as a child process of the driver) --------------------------


def smtp_server(port: int, record: str) -> None:
    """A real SMTP server on loopback that writes one line per message received."""
    import email
    from email import policy

    from aiosmtpd.controller import Controller

    class Recorder:
        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(envelope.content, policy=policy.default)
            body = message.get_body(("plain",))
            text = body.get_content() if body is not None else ""
            found = CODE_IN_EMAIL.search(text)
            line = {"subject": str(message["Subject"]), "code": found.group(1) if found else None}
            with open(record, "a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")
            return "250 OK"

    controller = Controller(Recorder(), hostname="127.0.0.1", port=port)
    controller.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


# --- processes -----------------------------------------------------------------------


class Processes:
    """Every process the driver starts, each in its own process group, stopped at exit."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        out = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (kept for the child)
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.running[name] = process
        return process

    def stop(self, name: str, sig=signal.SIGTERM, wait: float = 20) -> None:
        process = self.running.pop(name, None)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
            process.wait(wait)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            self.stop(name)


def free_port(port: int) -> int:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is in use: pick another with the options")
    return port


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listening on port {port} after {seconds:.0f} s")


def children(pid: int) -> list[int]:
    """Child process ids (gunicorn workers, Celery pool processes)."""
    try:
        import psutil

        return [p.pid for p in psutil.Process(pid).children()]
    except ImportError:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
        return [int(x) for x in out.stdout.split()]
    except Exception:
        return []


def rss_mb(pid: int) -> float | None:
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        status = Path(f"/proc/{pid}/status").read_text()
        kb = re.search(r"VmRSS:\s+(\d+) kB", status)
        return int(kb.group(1)) / 1024 if kb else None
    except Exception:
        return None


# --- the database --------------------------------------------------------------------


def sql(query: str, params=()) -> list[tuple]:
    import psycopg

    with psycopg.connect(PG_URL) as connection:
        return connection.execute(query, params).fetchall()


def drop_database() -> None:
    subprocess.run(["dropdb", *PG, "--if-exists", "--force", DATABASE], check=False)


# --- the bench -----------------------------------------------------------------------


class Bench:
    def __init__(self, options):
        self.options = options
        self.workdir = Path(tempfile.mkdtemp(prefix="engage-load-"))
        self.processes = Processes(self.workdir)
        self.mail_record = self.workdir / "smtp-received.jsonl"
        self.officer_session = self.workdir / "officer-session.json"
        self.run_number = 0
        self.totp_key = ""
        from cryptography.fernet import Fernet

        self.env = {
            **os.environ,
            "SECRET_KEY": secrets.token_hex(32),
            "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "DATABASE_URL": PG_URL,
            "ENGAGE_INSTANCE_DIR": str(self.workdir / "instance"),
            "LOG_LEVEL": "WARNING",
        }
        redis = f"redis://127.0.0.1:{options.redis_port}"
        self.production = {
            **self.env,
            "ENGAGE_ENV": "production",
            "CELERY_BROKER_URL": f"{redis}/0",
            "RATELIMIT_STORAGE_URI": f"{redis}/1",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(options.smtp_port),
            "SITE_URL": f"https://127.0.0.1:{options.app_port}",
            "GUNICORN_ACCESS_LOG": str(self.workdir / "access.log"),
            "GUNICORN_LOG_LEVEL": "warning",
        }
        self.results: dict = {"settings": {}, "runs": {}}

    # set-up

    def prepare_database(self) -> None:
        drop_database()
        subprocess.run(["createdb", *PG, DATABASE], check=True)
        development = {**self.env, "ENGAGE_ENV": "development"}
        for command in (["db", "upgrade"], ["demo", "load"]):
            done = subprocess.run([str(BIN / "engage"), *command], cwd=ROOT, env=development,
                                  capture_output=True, text=True)  # fmt: skip
            if done.returncode:
                raise RuntimeError(f"engage {' '.join(command)} failed:\n{done.stderr[-2000:]}")
        log(f"database {DATABASE}: migrated, demo data loaded")

    def start_redis(self) -> None:
        self.processes.start(
            "redis",
            ["redis-server", "--port", str(self.options.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            self.env,
        )  # fmt: skip
        wait_for_port(self.options.redis_port)

    def start_smtp(self) -> None:
        self.processes.start(
            "smtp",
            [sys.executable, __file__, "--smtp-server", str(self.options.smtp_port),
             str(self.mail_record)],
            self.env,
        )  # fmt: skip
        wait_for_port(self.options.smtp_port)

    def start_site(self, *, max_requests: str | None = None) -> None:
        extra = {} if max_requests is None else {"GUNICORN_MAX_REQUESTS": max_requests}
        gunicorn = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"]
        self.processes.start(
            "gunicorn",
            [*gunicorn, "wsgi:app"],
            {**self.production, **extra, "GUNICORN_BIND": f"127.0.0.1:{self.options.app_port}"},
        )
        self.processes.start(
            "hello",
            [*gunicorn, "--pythonpath", "bench", "hello_app:app"],
            {
                **self.production,
                **extra,
                "GUNICORN_BIND": f"127.0.0.1:{self.options.hello_port}",
                "GUNICORN_ACCESS_LOG": str(self.workdir / "hello-access.log"),
            },
        )
        wait_for_port(self.options.app_port, 120)
        wait_for_port(self.options.hello_port, 120)

    def start_worker(self) -> None:
        self.processes.start(
            "celery-worker",
            # As deploy/systemd/engage-worker.service starts it (Nice=10).
            ["nice", "-n", "10", str(BIN / "celery"), "-A", "engage.worker", "worker",
             "--loglevel", "WARNING", "--concurrency=1", "--prefetch-multiplier=1",
             "--without-gossip", "--without-mingle", "-n", "bench-load@%h"],
            self.production,
        )  # fmt: skip

    def start_beat(self) -> None:
        self.processes.start(
            "celery-beat",
            [str(BIN / "celery"), "-A", "engage.worker", "beat", "--loglevel", "WARNING",
             "-s", str(self.workdir / "celerybeat-schedule")],
            self.production,
        )  # fmt: skip

    def start_all(self) -> None:
        for port in (self.options.app_port, self.options.hello_port, self.options.redis_port,
                     self.options.smtp_port):  # fmt: skip
            free_port(port)
        self.start_redis()
        self.start_smtp()
        self.start_site()
        self.start_worker()
        self.start_beat()
        self.enrol_officer()

    def enrol_officer(self) -> None:
        """Sign the demo officer in once through the two-step set-up, keeping the key, as
        a person copies it from the set-up page. Requests stand where nginx is (see
        bench/locustfile.py): the Secure cookie is passed on over the loopback hop."""
        import pyotp
        import requests

        base = f"http://127.0.0.1:{self.options.app_port}"
        cookies: dict[str, str] = {}

        def call(method, path, data=None):
            headers = {
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "10.0.0.2",
                "Referer": f"https://127.0.0.1:{self.options.app_port}{path}",
                "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            }
            response = requests.request(method, base + path, data=data, headers=headers,
                                        allow_redirects=False, timeout=30)  # fmt: skip
            cookies.update({c.name: c.value for c in response.cookies})
            return response

        def post(path, data):
            page = call("GET", path).text
            token = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page)
            return call("POST", path, {"csrf_token": token.group(1), **data})

        first = post("/sign-in", {"email": OFFICER, "password": PASSWORD})
        if first.headers.get("Location") != "/sign-in/set-up":
            raise RuntimeError(f"officer sign-in did not reach the set-up ({first.status_code})")
        page = call("GET", "/sign-in/set-up").text
        key = re.search(r'id="secret-key"><code>([^<]+)</code>', page).group(1)
        self.totp_key = "".join(key.split())
        done = post("/sign-in/set-up", {"code": pyotp.TOTP(self.totp_key).now()})
        if done.status_code != 200 or "recovery" not in done.text.lower():
            raise RuntimeError(f"two-step set-up refused ({done.status_code})")
        # Locust's officer carries on in this session (bench/locustfile.py).
        self.officer_session.write_text(json.dumps(cookies))
        log("demo officer signed in through the two-step set-up")

    # one locust run

    def locust(self, label: str, seconds: int, during=None, classes=()) -> dict:
        """Run locust for `seconds`; `during(elapsed)` is called every second meanwhile.
        `classes`: the locust user classes to run (all of them if none)."""
        self.run_number += 1
        journal = self.workdir / f"{label}-journal.jsonl"
        prefix = self.workdir / label
        start_id = sql("SELECT coalesce(max(id), 0) FROM submissions")[0][0]
        mail_before = self._mail_lines()
        env = {
            **self.env,
            "ENGAGE_BENCH_HELLO_URL": f"http://127.0.0.1:{self.options.hello_port}",
            "ENGAGE_BENCH_JOURNAL": str(journal),
            "ENGAGE_BENCH_RUN": str(self.run_number),
            "ENGAGE_BENCH_TOTP_KEY": self.totp_key,
            "ENGAGE_BENCH_OFFICER_SESSION": str(self.officer_session),
            "ENGAGE_BENCH_OFFICER": OFFICER,
            "ENGAGE_BENCH_PASSWORD": PASSWORD,
        }
        command = [
            str(BIN / "locust"), "-f", "bench/locustfile.py", "--headless",
            "--users", str(self.options.users), "--spawn-rate", str(self.options.users),
            "--run-time", f"{seconds}s", "--stop-timeout", "10",
            "--host", f"http://127.0.0.1:{self.options.app_port}",
            "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", *classes,
        ]  # fmt: skip
        log(f"[{label}] locust: {self.options.users} users for {seconds} s")
        process = self.processes.start(f"locust-{label}", command, env)
        started = time.time()
        events = []
        while process.poll() is None:
            time.sleep(1)
            if during is not None:
                note = during(time.time() - started)
                if note:
                    events.append(f"{time.time() - started:.0f} s: {note}")
                    log(f"[{label}] {events[-1]}")
        self.processes.running.pop(f"locust-{label}", None)
        stats = self._read_stats(prefix)
        if not stats:
            raise RuntimeError(f"locust wrote no figures (see {self.workdir}/locust-{label}.log)")
        result = {"seconds": seconds, "events": events, "endpoints": stats}
        result["stories"] = self._check_stories(journal, start_id, mail_before)
        return result

    def _read_stats(self, prefix: Path) -> dict:
        path = Path(f"{prefix}_stats.csv")
        if not path.exists():
            return {}
        rows = {}
        with path.open() as f:
            for row in csv.DictReader(f):
                rows[row["Name"]] = {
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": float(row["50%"]),
                    "p95": float(row["95%"]),
                    "p99": float(row["99%"]),
                }
        return rows

    def _mail_lines(self) -> int:
        if not self.mail_record.exists():
            return 0
        return len(self.mail_record.read_text().splitlines())

    def _check_stories(self, journal: Path, start_id: int, mail_before: int) -> dict:
        """Every code locust got back, against the rows stored; emails; tagging."""
        from engage.services.stories import receipts

        entries = [json.loads(line) for line in journal.read_text().splitlines()] if (
            journal.exists()
        ) else []  # fmt: skip
        accepted = [e for e in entries if e["code"]]
        hashes = {receipts.digest(e["code"]): e for e in accepted}
        markers = {e["marker"] for e in entries}
        # Tagging and email are allowed a bounded time after the load stops.
        deadline = time.time() + self.options.settle_seconds
        settle_started = time.time()
        while True:
            rows = sql(
                "SELECT id, receipt_hash, story, tagging_status, tagging_attempts "
                "FROM submissions WHERE id > %s",
                (start_id,),
            )
            untagged = [r for r in rows if r[3] != "done"]
            received = self._received_codes(mail_before)
            wanted = {e["code"] for e in accepted if e["email"]}
            unsent = wanted - set(received)
            if (not untagged and not unsent) or time.time() > deadline:
                break
            time.sleep(2)
        settled = time.time() - settle_started
        stored_hashes = {r[1] for r in rows}
        marker_of = {}
        for row in rows:
            found = re.search(r"\((bench-[0-9]+-[0-9a-f]{12})\)", row[2] or "")
            if found:
                marker_of.setdefault(found.group(1), []).append(row[0])
        duplicated = sum(len(ids) - 1 for m, ids in marker_of.items() if m in markers)
        unseen = [r for r in rows if r[1] not in hashes]
        themes_twice = sql(
            "SELECT count(*) FROM (SELECT submission_id, theme_id FROM submission_themes "
            "WHERE submission_id > %s GROUP BY 1, 2 HAVING count(*) > 1) AS d",
            (start_id,),
        )[0][0]
        still_queued = sql(
            "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND kind = "
            "'receipt_confirmation' AND receipt_hash = ANY(%s)",
            ([receipts.digest(c) for c in unsent],),
        )[0][0]
        return {
            "journeys": len(entries),
            "accepted": len(accepted),
            "stored": len(stored_hashes & set(hashes)),
            "lost": len(set(hashes) - stored_hashes),
            "duplicated": duplicated,
            "stored_but_code_not_shown": len(unseen),
            "sent_again_after_error": sum(1 for e in entries if e["retried"]),
            "journeys_failed": Counter(e.get("stage", "?") for e in entries if not e["code"]),
            "emails_asked": len(wanted),
            "emails_received": sum(1 for c in received if c in wanted),
            "emails_lost": len(unsent) - still_queued,
            "emails_still_queued": still_queued,
            "emails_duplicated": sum(n - 1 for c, n in received.items() if n > 1),
            "stored_in_run": len(rows),
            "untagged": len(untagged),
            "tagging_attempts_max": max((r[4] for r in rows), default=0),
            "themes_tagged_twice": themes_twice,
            "settle_seconds": round(settled, 1),
        }

    def _received_codes(self, mail_before: int) -> Counter:
        if not self.mail_record.exists():
            return Counter()
        lines = self.mail_record.read_text().splitlines()[mail_before:]
        codes = (json.loads(line)["code"] for line in lines if line.strip())
        return Counter(code for code in codes if code)

    # the three parts

    def baseline(self) -> None:
        self.results["runs"]["baseline"] = self.locust("baseline", self.options.run_seconds)

    def capacity(self) -> None:
        """Each endpoint alone at full load, each run next to a run of the bare "hello"
        alone: the ratio of what each can serve, on the same machine minutes apart. (In
        the mixed run the users share the load generator, which flattens the ratios.)"""
        seconds = self.options.capacity_seconds
        rows = {}
        for name, user_class in CAPACITY:
            hello = self.locust(f"hello-before-{user_class}", seconds, classes=["HelloUser"])
            alone = self.locust(f"alone-{user_class}", seconds, classes=[user_class])
            bare, row = hello["endpoints"]["hello"], dict(alone["endpoints"][name])
            row["hello_rps"] = bare["rps"]
            row["ratio_to_hello"] = round(row["rps"] / bare["rps"], 3) if bare["rps"] else None
            row["stories"] = alone["stories"]
            rows[name] = row
        self.results["capacity"] = rows

    # the faults, each called once mid-run

    def kill_gunicorn_worker(self) -> str:
        worker = children(self.processes.running["gunicorn"].pid)[0]
        os.kill(worker, signal.SIGKILL)
        return f"gunicorn worker {worker} killed with SIGKILL"

    def kill_celery_worker(self) -> str:
        main = self.processes.running.pop("celery-worker").pid
        pool = children(main)
        os.killpg(main, signal.SIGKILL)  # the worker and its pool, mid-task
        time.sleep(1)
        self.start_worker()
        return f"Celery worker {main} (pool {pool}) killed with SIGKILL; a new one started"

    def restart_redis(self) -> str:
        self.processes.stop("redis")
        time.sleep(1)
        self.start_redis()
        return "redis-server stopped and started again (empty: no persistence)"

    def smtp_outage(self, start: float, length: float):
        """A `during` callback: the SMTP server stopped at `start` for `length` seconds."""
        state: dict[str, float] = {}

        def during(elapsed):
            if "down" not in state and elapsed >= start:
                self.processes.stop("smtp")
                state["down"] = elapsed
                return "SMTP server stopped"
            if "down" in state and "up" not in state and elapsed >= state["down"] + length:
                state["up"] = elapsed
                self.start_smtp()
                return f"SMTP server started again after {elapsed - state['down']:.0f} s"
            return None

        return during

    @staticmethod
    def once(at: float, action):
        """A `during` callback that calls `action` once, `at` seconds into the run."""
        done = []

        def during(elapsed):
            if not done and elapsed >= at:
                done.append(True)
                return action()
            return None

        return during

    def faults(self) -> None:
        seconds = self.options.fault_seconds
        middle = seconds / 2
        outage = self.options.smtp_outage
        plan = {
            "gunicorn_worker_killed": self.once(middle, self.kill_gunicorn_worker),
            "celery_worker_killed": self.once(middle, self.kill_celery_worker),
            "smtp_down": self.smtp_outage(middle - outage / 2, outage),
            "redis_restarted": self.once(middle, self.restart_redis),
        }
        for name in FAULTS:
            self.results["runs"][f"fault: {name}"] = self.locust(name, seconds, plan[name])
            if "smtp" not in self.processes.running:
                self.start_smtp()

    def soak(self) -> None:
        """Steady mixed load with gunicorn's worker recycling off, so growth would show."""
        self.processes.stop("gunicorn")
        self.processes.stop("hello")
        self.start_site(max_requests="0")
        minutes = self.options.soak_minutes
        interval = self.options.soak_interval
        samples: dict[str, list[float]] = {}
        taken = []

        def tick(elapsed):
            # One sample of every worker's resident memory each interval, the first after
            # one interval of load (the theme model loaded, caches warm).
            if elapsed < (len(taken) + 1) * interval:
                return None
            taken.append(elapsed)
            pids = {f"gunicorn worker {p}": p for p in children(self.processes.running[
                "gunicorn"].pid)}  # fmt: skip
            celery = self.processes.running["celery-worker"].pid
            pids[f"celery worker {celery}"] = celery
            pids.update({f"celery pool {p}": p for p in children(celery)})
            for name, pid in pids.items():
                value = rss_mb(pid)
                if value is not None:
                    samples.setdefault(name, []).append(value)
            return None

        run = self.locust("soak", int(minutes * 60), tick)
        memory = {}
        for name, values in samples.items():
            first, last, peak = values[0], values[-1], max(values)
            memory[name] = {
                "samples": len(values),
                "first_mb": round(first, 1),
                "last_mb": round(last, 1),
                "growth_pct": round((last - first) / first * 100, 1),
                "max_growth_pct": round((peak - first) / first * 100, 1),
            }
        run["memory"] = memory
        run["max_requests"] = 0
        self.results["runs"]["soak"] = run

    # report

    def report(self) -> None:
        log("")
        if self.results.get("capacity"):
            log(f"== each alone, {self.options.capacity_seconds} s, {self.options.users} users,"
                " next to hello alone ==")  # fmt: skip
            log(f"   {'endpoint':22} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} "
                f"{'hello req/s':>11}  ratio")  # fmt: skip
            for name, row in self.results["capacity"].items():
                log(f"   {ENDPOINTS[name]:22} {row['rps']:7.1f} {row['p50']:6.0f} "
                    f"{row['p95']:6.0f} {row['p99']:6.0f} {row['hello_rps']:11.1f}  "
                    f"{row['ratio_to_hello']:.2f}x")  # fmt: skip
            s = self.results["capacity"]["submission POST /tell/story"]["stories"]
            log(f"   stories (alone): accepted {s['accepted']}, stored {s['stored']}, "
                f"lost {s['lost']}, duplicated {s['duplicated']}")  # fmt: skip
        log("Rate limits on: each resident has its own address in X-Forwarded-For, sent from")
        log("127.0.0.1 (the trusted proxy) with X-Forwarded-Proto: https, as nginx would.")
        for label, run in self.results["runs"].items():
            log(f"\n== {label} ({run['seconds']} s, {self.options.users} users) ==")
            for event in run["events"]:
                log(f"   {event}")
            stats = run["endpoints"]
            hello = stats.get("hello")
            per_user = self.options.users / 5  # five kinds of user, equal in number
            log(f"   {'endpoint':22} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} "
                f"{'fail':>5}  ratio to hello (req/s per user)")  # fmt: skip
            for name, title in ENDPOINTS.items():
                row = stats.get(name)
                if row is None:
                    continue
                ratio = ""
                if hello and hello["rps"] and name != "hello":
                    ratio = f"{row['rps'] / hello['rps']:.2f}x"
                    row["ratio_to_hello"] = round(row["rps"] / hello["rps"], 3)
                row["rps_per_user"] = round(row["rps"] / per_user, 2)
                log(f"   {title:22} {row['rps']:7.1f} {row['p50']:6.0f} {row['p95']:6.0f} "
                    f"{row['p99']:6.0f} {row['failures']:5d}  {ratio}")  # fmt: skip
            s = run["stories"]
            log(f"   stories: accepted {s['accepted']}, stored {s['stored']}, lost {s['lost']}, "
                f"duplicated {s['duplicated']}, stored but code not shown "
                f"{s['stored_but_code_not_shown']}, sent again after an error "
                f"{s['sent_again_after_error']}")  # fmt: skip
            if s["journeys_failed"]:
                log(f"   journeys without a code: {dict(s['journeys_failed'])}")
            log(f"   emails: asked {s['emails_asked']}, received {s['emails_received']}, "
                f"lost {s['emails_lost']}, still queued {s['emails_still_queued']}, "
                f"duplicated {s['emails_duplicated']}")  # fmt: skip
            log(f"   tagging: {s['stored_in_run'] - s['untagged']} of {s['stored_in_run']} "
                f"tagged within {s['settle_seconds']} s of the load stopping; most attempts "
                f"{s['tagging_attempts_max']}; theme rows twice for a story "
                f"{s['themes_tagged_twice']}")  # fmt: skip
            for name, m in run.get("memory", {}).items():
                log(f"   memory {name}: {m['first_mb']} -> {m['last_mb']} MB "
                    f"({m['growth_pct']:+.1f} %, max {m['max_growth_pct']:+.1f} %, "
                    f"{m['samples']} samples)")  # fmt: skip
        if self.options.json:
            Path(self.options.json).write_text(json.dumps(self.results, indent=2, default=str))
            log(f"\nfigures written to {self.options.json}")

    def run(self) -> None:
        self.results["settings"] = {
            "users": self.options.users,
            "gunicorn": f"deploy/gunicorn.conf.py (sync, one worker per core: {os.cpu_count()})",
            "database": "PostgreSQL",
            "quick": self.options.quick,
        }
        self.prepare_database()
        self.start_all()
        if self.options.only in (None, "baseline"):
            self.baseline()
        if self.options.only in (None, "capacity"):
            self.capacity()
        if self.options.only in (None, "faults"):
            self.faults()
        if self.options.only in (None, "soak"):
            self.soak()
        self.report()

    def close(self) -> None:
        self.processes.stop_all()
        drop_database()
        if self.options.keep_logs:
            log(f"logs kept in {self.workdir}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--smtp-server":
        smtp_server(int(sys.argv[2]), sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs, to check the script")
    parser.add_argument("--only", choices=["baseline", "capacity", "faults", "soak"])
    parser.add_argument("--soak-minutes", type=float, default=10)
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--settle-seconds", type=int, default=400,
                        help="how long tagging and email may take after the load stops "
                        "(the beat sweeps: outbox every 60 s, tagging every 300 s)")  # fmt: skip
    parser.add_argument("--app-port", type=int, default=8101)
    parser.add_argument("--hello-port", type=int, default=8102)
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--smtp-port", type=int, default=8125)
    parser.add_argument("--keep-logs", action="store_true")
    options = parser.parse_args()
    options.run_seconds = 15 if options.quick else 60
    options.capacity_seconds = 8 if options.quick else 30
    options.fault_seconds = 20 if options.quick else 40
    options.smtp_outage = 8 if options.quick else 15
    options.soak_interval = 20 if options.quick else 60
    if options.quick:
        options.soak_minutes = min(options.soak_minutes, 1)
    if not (BIN / "locust").exists():
        raise SystemExit(
            "locust is not installed: .venv/bin/pip install -r bench/requirements.txt "
            "(it adds packages and changes none of the project's)"
        )
    bench = Bench(options)
    # Ctrl-C or a kill: stop everything and drop the database on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        bench.run()
    except KeyboardInterrupt:
        log("interrupted: stopping everything")
    finally:
        bench.close()


if __name__ == "__main__":
    main()
