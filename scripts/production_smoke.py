"""Start Engage as docs/deployment.md runs it, walk one journey through it, stop it.

    .venv/bin/python scripts/production_smoke.py [--database-url URL] [--redis-url URL]

The processes are the deployment's own, with its own files: nginx with
deploy/nginx-engage.conf (only the names, ports and paths marked CHANGE replaced; a
certificate made for 127.0.0.1), gunicorn with deploy/gunicorn.conf.py, a Celery worker
and Celery beat as in deploy/systemd/, all with ENGAGE_ENV=production, on this machine's
PostgreSQL (a database made for the run and dropped after) and Redis (two numbered
databases, emptied before and after), with a real SMTP server (aiosmtpd) for email.

The journey: a resident tells a story over HTTPS through nginx; the Celery worker tags it
and sends its email; an officer signs in (password, authenticator set-up, code) and
approves it; Celery beat starts a scheduled job that the worker runs. Exits 1, with the
processes' logs, if any step fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import ipaddress
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
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import psycopg
import pyotp
import redis
import requests
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = "engage_smoke"
OFFICER_EMAIL = "officer@smoke.example"
RESIDENT_EMAIL = "resident@smoke.example"
# A story the tagger can't miss (policing), with a phone number to be redacted.
STORY = (
    "The police stopped and searched my son twice in one week outside the station. "
    "They called him names and would not say why. Call me on 07700 900123."
)


class SmokeFailure(Exception):
    pass


def free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def wait_for(what: str, check, timeout: float, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise SmokeFailure(f"timed out after {timeout:.0f} s waiting for {what}")


# The mail server


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[bytes]:
        return [content for rcpts, content in self.messages if address in rcpts]


# TLS for nginx: a certificate for 127.0.0.1, trusted by this script alone


def make_certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def nginx_config(folder: Path, *, https_port: int, http_port: int, app_port: int, cert, key):
    """deploy/nginx-engage.conf with the lines marked CHANGE (and the ports) made local."""
    site = (REPO / "deploy" / "nginx-engage.conf").read_text()
    replacements = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "listen 80 default_server;": f"listen 127.0.0.1:{http_port} default_server;",
        "listen [::]:80 default_server;\n": "",
        "listen 443 ssl default_server;": f"listen 127.0.0.1:{https_port} ssl default_server;",
        "listen [::]:443 ssl default_server;\n": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;\n": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;\n": "",
        "server_name engage.example.org;": "server_name localhost;",
        "/etc/letsencrypt/live/engage.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/engage.example.org/privkey.pem": str(key),
        "/srv/engage/static/": f"{REPO / 'static'}/",
        "/var/log/nginx/engage.access.log": str(folder / "access.log"),
    }
    for old, new in replacements.items():
        if old not in site:
            raise SmokeFailure(f"deploy/nginx-engage.conf no longer has {old!r}")
        site = site.replace(old, new)
    (folder / "engage.conf").write_text(site)
    user = "" if os.geteuid() != 0 else f"user {getpass.getuser()};\n"
    (folder / "nginx.conf").write_text(
        f"{user}worker_processes 1;\n"
        f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "  include /etc/nginx/mime.types;\n"
        f"  client_body_temp_path {folder / 'body'};\n"
        f"  proxy_temp_path {folder / 'proxy'};\n"
        f"  include {REPO / 'deploy' / 'nginx-log-format.conf'};\n"
        f"  include {folder / 'engage.conf'};\n"
        "}\n"
    )
    return folder / "nginx.conf"


# The processes


@dataclass
class Processes:
    folder: Path
    env: dict[str, str]
    running: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 (closed in stop)
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running[name] = process
        return process

    def check_alive(self) -> None:
        for name, process in self.running.items():
            if process.poll() is not None:
                raise SmokeFailure(f"{name} exited with code {process.returncode}")

    def stop(self) -> None:
        for process in self.running.values():
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for name, process in self.running.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                step(f"{name} did not stop in time: killed")
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def run(env, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [str(BIN / "engage"), *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise SmokeFailure(f"engage {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


# The database


def libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def recreate_database(admin_url: str, name: str, *, drop_only: bool = False) -> None:
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def database_url_for(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def query(url: str, sql: str, *params):
    with psycopg.connect(libpq_url(url)) as connection:
        return connection.execute(sql, params).fetchall()


# The journey through the site


class Browser:
    """A resident's or an officer's browser: cookies, and forms sent as drawn."""

    def __init__(self, base: str, cert: Path) -> None:
        self.base = base
        self.http = requests.Session()
        self.http.verify = str(cert)
        # REQUESTS_CA_BUNDLE and the like would replace the certificate made for the run.
        self.http.trust_env = False
        self.page: BeautifulSoup | None = None
        self.url = base

    def get(self, path: str, expect: int = 200) -> requests.Response:
        response = self.http.get(urljoin(self.base, path), timeout=30)
        return self._arrived(response, expect)

    def _arrived(self, response: requests.Response, expect: int) -> requests.Response:
        if response.status_code != expect:
            raise SmokeFailure(
                f"{response.request.method} {response.url}: {response.status_code}, "
                f"expected {expect}"
            )
        self.url = response.url
        self.page = BeautifulSoup(response.text, "html.parser")
        return response

    def form(self, action_ends: str):
        for form in self.page.find_all("form"):
            # A form with no action is sent to the page it is on.
            action = form.get("action") or urlsplit(self.url).path
            if action.split("?")[0].endswith(action_ends):
                return form
        raise SmokeFailure(f"no form sending to …{action_ends} on {self.url}")

    @staticmethod
    def fields(form) -> dict[str, str | list[str]]:
        data: dict[str, list[str]] = {}
        for element in form.find_all(["input", "textarea", "select"]):
            name = element.get("name")
            if not name:
                continue
            if element.name == "input" and element.get("type") in ("checkbox", "radio"):
                if element.has_attr("checked"):
                    data.setdefault(name, []).append(element.get("value", "y"))
                continue
            if element.name == "input" and element.get("type") == "submit":
                continue
            if element.name == "select":
                chosen = element.find("option", selected=True)
                data.setdefault(name, []).append(chosen.get("value", "") if chosen else "")
                continue
            value = element.get_text() if element.name == "textarea" else element.get("value", "")
            data.setdefault(name, []).append(value)
        return data

    def send(self, action_ends: str, expect: int = 302, **values) -> requests.Response:
        form = self.form(action_ends)
        data = self.fields(form)
        data.update({name: value for name, value in values.items()})
        target = urljoin(self.url, form.get("action") or self.url)
        # Over HTTPS, Flask-WTF wants the Referer a browser sends with a form.
        response = self.http.post(
            target, data=data, headers={"Referer": self.url}, allow_redirects=False, timeout=30
        )
        if response.status_code != expect:
            problems = BeautifulSoup(response.text, "html.parser").select(
                ".error-summary, .error-message"
            )
            said = " / ".join(p.get_text(" ", strip=True) for p in problems)[:300]
            raise SmokeFailure(f"POST {target}: {response.status_code}, expected {expect}. {said}")
        return response

    def follow(self, response: requests.Response, expect: int = 200) -> requests.Response:
        return self.get(response.headers["Location"], expect)


def check_front_door(resident: Browser) -> None:
    response = resident.get("/")
    if "max-age=" not in response.headers.get("Strict-Transport-Security", ""):
        raise SmokeFailure("no HSTS header on the home page")
    cookies = response.headers.get("Set-Cookie", "")
    if cookies and ("__Host-" not in cookies or "Secure" not in cookies):
        raise SmokeFailure(f"session cookie not locked down: {cookies[:120]}")
    css = resident.http.get(urljoin(resident.base, "/static/css/engage.css"), timeout=30)
    if css.status_code != 200 or "nosniff" not in css.headers.get("X-Content-Type-Options", ""):
        raise SmokeFailure("nginx did not serve the stylesheet with its headers")


def tell_story(resident: Browser) -> str:
    resident.get("/tell/age")
    resident.follow(resident.send("/tell/age", age="18_plus"))
    sent = resident.send(
        "/tell/story",
        story=STORY,
        consent_store="y",
        consent_contact="y",
        contact_email=RESIDENT_EMAIL,
    )
    resident.follow(sent)
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", resident.page.get_text())
    if code is None:
        raise SmokeFailure("the thank-you page shows no reference code")
    return code.group(0)


def sign_in_officer(officer: Browser, password: str) -> None:
    officer.get("/sign-in")
    officer.follow(officer.send("/sign-in", email=OFFICER_EMAIL, password=password))
    if not officer.url.endswith("/sign-in/set-up"):
        raise SmokeFailure(f"a new officer was not asked to set up a code: {officer.url}")
    secret = officer.page.find(id="secret-key").get_text().replace(" ", "").strip()
    shown = officer.send("/sign-in/set-up", expect=200, code=pyotp.TOTP(secret).now())
    if "Save your recovery codes" not in shown.text:
        raise SmokeFailure("the recovery codes were not shown after setting up the code")


def approve(officer: Browser, submission_id: int) -> None:
    review = f"/moderation/{submission_id}"
    officer.get("/moderation/")
    if f"/moderation/{submission_id}" not in str(officer.page):
        raise SmokeFailure("the story is not in the moderation queue")
    officer.get(review)
    officer.send("/claim")
    officer.get(review)
    officer.send("/redaction")
    officer.get(review)
    officer.send("/themes")  # as suggested by the worker's tagging
    officer.get(review)
    officer.send("/approve")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL database to connect to while making the run's own database",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder")
    args = parser.parse_args()
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        print("nginx is needed: sudo apt-get install nginx-light", file=sys.stderr)
        return 2

    folder = Path(tempfile.mkdtemp(prefix="engage-smoke-"))
    folder.chmod(0o755)
    for sub in ("body", "proxy", "instance"):
        (folder / sub).mkdir()
    started = time.monotonic()
    database_url = database_url_for(args.database_url, DATABASE)
    broker, limits = f"{args.redis_url}/12", f"{args.redis_url}/11"
    for url in (broker, limits):
        redis.Redis.from_url(url).flushdb()
    recreate_database(args.database_url, DATABASE)

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    app_port, https_port, http_port = free_port(), free_port(), free_port()
    cert, key = make_certificate(folder)
    base = f"https://localhost:{https_port}"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "LANG": "C.UTF-8",
        "ENGAGE_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "RATELIMIT_STORAGE_URI": limits,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "MAIL_FROM": "Race Equity Taskforce <engage@smoke.example>",
        "SITE_URL": base,
        "ENGAGE_INSTANCE_DIR": str(folder / "instance"),
        "GUNICORN_BIND": f"127.0.0.1:{app_port}",
        "GUNICORN_WORKERS": "2",
        "LOG_LEVEL": "INFO",
    }
    processes = Processes(folder, env)
    failed = False
    try:
        step("schema: engage db upgrade (production settings)")
        run(env, "db", "upgrade")
        password = secrets.token_urlsafe(18)
        run(
            env,
            "users",
            "create",
            "--email",
            OFFICER_EMAIL,
            "--name",
            "Smoke Officer",
            "--role",
            "engagement_officer",
            "--password-stdin",
            stdin=password + "\n",
        )
        step("starting gunicorn, the Celery worker, Celery beat and nginx")
        processes.start(
            "gunicorn", [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
        )
        # The worker and beat exactly as deploy/systemd/ starts them (beat's file here).
        processes.start(
            "worker",
            [
                "nice",
                "-n",
                "10",
                str(BIN / "celery"),
                "-A",
                "engage.worker",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--prefetch-multiplier=1",
                "--without-gossip",
                "--without-mingle",
            ],
        )
        processes.start(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "engage.worker",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(folder / "celerybeat-schedule"),
            ],
        )
        conf = nginx_config(
            folder,
            https_port=https_port,
            http_port=http_port,
            app_port=app_port,
            cert=cert,
            key=key,
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        processes.start("nginx", [nginx, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"])

        resident = Browser(base, cert)

        def site_up():
            processes.check_alive()
            try:
                return resident.http.get(base + "/", timeout=5).status_code == 200
            except requests.RequestException as error:
                site_up.last_error = error
                return False

        try:
            wait_for("the site behind nginx", site_up, timeout=120)
        except SmokeFailure as problem:
            raise SmokeFailure(f"{problem}: {getattr(site_up, 'last_error', '')}") from None
        plain = resident.http.get(
            f"http://localhost:{http_port}/tell", allow_redirects=False, timeout=10
        )
        if plain.status_code != 301 or not plain.headers["Location"].startswith("https://"):
            raise SmokeFailure("plain HTTP is not sent to HTTPS")
        # Another name in the Host header never reaches the app.
        with suppress(requests.ConnectionError):
            other = resident.http.get(
                f"http://127.0.0.1:{http_port}/", headers={"Host": "evil.example"}, timeout=10
            )
            raise SmokeFailure(f"a request for another host was answered ({other.status_code})")
        step(f"site up at {base} after {time.monotonic() - started:.1f} s")

        check_front_door(resident)
        code = tell_story(resident)
        step("a resident told a story and saw their reference code")
        [(submission_id,)] = query(database_url, "SELECT id FROM submissions")

        def tagged():
            processes.check_alive()
            rows = query(
                database_url,
                "SELECT s.tagging_status, count(t.theme_id) FROM submissions s "
                "LEFT JOIN submission_themes t ON t.submission_id = s.id "
                "WHERE s.id = %s GROUP BY s.tagging_status",
                submission_id,
            )
            return rows and rows[0][1] > 0 and rows[0]

        status, scores = wait_for("the worker to tag the story", tagged, timeout=120)
        step(f"the Celery worker tagged it ({scores} theme scores, status {status})")
        if "engage.tasks.tag_submission" not in processes.log("worker"):
            raise SmokeFailure("the worker's log does not show the tagging task")
        wait_for("the receipt email", lambda: inbox.to(RESIDENT_EMAIL), timeout=60)
        if code.encode() not in inbox.to(RESIDENT_EMAIL)[0]:
            raise SmokeFailure("the emailed receipt does not carry the reference code")
        step("the worker sent the resident's email through SMTP")

        officer = Browser(base, cert)
        sign_in_officer(officer, password)
        approve(officer, submission_id)
        [(state,)] = query(
            database_url, "SELECT status FROM submissions WHERE id = %s", submission_id
        )
        if str(state).lower() != "approved":
            raise SmokeFailure(f"the story is {state}, not approved")
        step("an officer signed in with a code and approved the story")

        def beat_ran():
            processes.check_alive()
            sent = "Sending due task deliver-outbox" in processes.log("beat")
            done = re.search(
                r"engage\.tasks\.deliver_outbox\[[^\]]+\] succeeded", processes.log("worker")
            )
            return sent and done

        wait_for("beat's scheduled outbox sweep", beat_ran, timeout=120, every=2)
        step("Celery beat sent its scheduled job and the worker ran it")
        if any(code in processes.log(name) for name in ("gunicorn", "worker", "beat", "nginx")):
            raise SmokeFailure("a reference code was written to a log")
        if "Traceback" in processes.log("gunicorn") + processes.log("worker"):
            raise SmokeFailure("a traceback in the logs")
        step(f"smoke journey passed in {time.monotonic() - started:.1f} s")
    except SmokeFailure as problem:
        failed = True
        print(f"\nFAILED: {problem}\n", file=sys.stderr)
        for name in processes.running:
            print(f"----- {name} log (last 40 lines) -----", file=sys.stderr)
            print("\n".join(processes.log(name).splitlines()[-40:]), file=sys.stderr)
        for name in ("error.log", "access.log"):
            path = folder / name
            if path.exists():
                print(f"----- nginx {name} -----\n{path.read_text()[-3000:]}", file=sys.stderr)
    finally:
        processes.stop()
        smtp.stop()
        recreate_database(args.database_url, DATABASE, drop_only=True)
        for url in (broker, limits):
            redis.Redis.from_url(url).flushdb()
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
