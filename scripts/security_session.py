"""Sign a staff member in to a running Engage site and print the session cookie, for the
security scanners (scripts/security_checks.sh) to crawl the officer's pages.

    .venv/bin/python scripts/security_session.py http://127.0.0.1:5123 \
        --email officer@engage.example --password try-engage-locally

Goes through the real forms, as a person would: the password, then the second step. A demo
account that has no authenticator yet is enrolled from the set-up page (its key is on the
page; the code is worked out from it, as `engage demo code KEY` does). An account that is
already enrolled needs its key in --key. Prints `name=value` of the session cookie.

    .venv/bin/python scripts/security_session.py http://127.0.0.1:5123 --resident

A resident instead: answers the age question and prints the cookie, then on a second line
the story form's hidden fields (age, receipt token, notice version), so a scanner can send
the story step with values the site accepts.

--wapiti-cookie FILE also writes the cookie in wapiti's JSON cookie format.
Loopback only: it refuses any other host, so a typo cannot send a password elsewhere.
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pyotp

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
HIDDEN = re.compile(r'<input id="([a-z_]+)" name="\1" type="hidden" value="([^"]*)">')
KEY = re.compile(r'id="secret-key"[^>]*>\s*<code>([^<]+)</code>')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep each step's redirect visible: where it points says what the site wants next."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def open(self, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """(status, Location header, body) of one request, without following redirects."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data)
        try:
            with self.opener.open(request, timeout=30) as response:  # nosec B310 # loopback http only
                return response.status, "", response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as answer:  # 3xx (not followed) and 4xx/5xx
            body = answer.read().decode("utf-8", "replace")
            return answer.code, answer.headers.get("Location", ""), body

    def submit(self, path: str, fields: dict) -> tuple[int, str, str]:
        """GET the page for its CSRF token, then POST the fields with it, as a browser does."""
        status, _, body = self.open(path)
        found = TOKEN.search(body)
        if status != 200 or not found:
            raise SystemExit(f"{path}: no form to fill in (status {status})")
        token = html.unescape(found.group(1) or found.group(2))
        return self.open(path, {"csrf_token": token, **fields})

    def cookie(self, name: str) -> str:
        for cookie in self.jar:
            if cookie.name == name:
                return f"{cookie.name}={cookie.value}"
        raise SystemExit(f"signed in, but the site set no {name} cookie")


def _path(location: str) -> str:
    return urllib.parse.urlsplit(location).path


def sign_in(base: str, email: str, password: str, key: str | None, cookie_name: str) -> str:
    browser = Browser(base)
    status, location, _ = browser.submit("/sign-in", {"email": email, "password": password})
    if status != 302:
        raise SystemExit(f"/sign-in refused the email and password (status {status})")
    step = _path(location)
    if step == "/sign-in/set-up":
        _, _, body = browser.open(step)
        shown = KEY.search(body)
        if not shown:
            raise SystemExit("/sign-in/set-up shows no authenticator key")
        key = shown.group(1)
    elif step == "/sign-in/code":
        if not key:
            raise SystemExit("this account already has an authenticator: give its key in --key")
    else:
        return browser.cookie(cookie_name)  # no second step for this account
    totp = pyotp.TOTP("".join(key.split()).upper())
    status, location, _ = browser.submit(step, {"code": totp.now()})
    if status == 200 and step == "/sign-in/code":
        # A code can be used once: the one just used may have been this step's already.
        status, location, _ = browser.submit(step, {"code": totp.at(int(time.time()), 1)})
    if status not in (200, 302) or _path(location) in ("/sign-in", step):
        raise SystemExit(f"{step} refused the code (status {status})")
    return browser.cookie(cookie_name)


def resident(base: str, cookie_name: str) -> tuple[str, str]:
    """A resident's session past the age question, and the story step's hidden fields."""
    browser = Browser(base)
    status, location, _ = browser.submit("/tell/age", {"age": "18_plus"})
    if status != 302 or _path(location) != "/tell/story":
        raise SystemExit(f"/tell/age did not lead to the story step (status {status})")
    _, _, body = browser.open("/tell/story")
    hidden = {
        name: html.unescape(value)
        for name, value in HIDDEN.findall(body)
        if name in ("age_group", "receipt_token", "notice_version")
    }
    return browser.cookie(cookie_name), urllib.parse.urlencode(hidden)


def wapiti_cookie(path: str, cookie: str) -> None:
    """The cookie as wapiti's --cookie file wants it (wapitiCore/net/jsoncookie.py)."""
    name, _, value = cookie.partition("=")
    attributes = {"value": value, "version": 0, "secure": False, "expires": None, "port": None}
    with open(path, "w", encoding="utf-8") as out:
        json.dump({"127.0.0.1": {"/": {name: attributes}}}, out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the site's address, e.g. http://127.0.0.1:5123")
    parser.add_argument("--resident", action="store_true", help="a resident, not staff")
    parser.add_argument("--email")
    parser.add_argument("--password")
    parser.add_argument("--key", help="the account's authenticator key, if already enrolled")
    parser.add_argument("--cookie-name", default="engage_session")
    parser.add_argument("--wapiti-cookie", metavar="FILE")
    args = parser.parse_args()
    host = urllib.parse.urlsplit(args.base).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to sign in to {host}: loopback only")
    if args.resident:
        cookie, hidden = resident(args.base, args.cookie_name)
        lines = [cookie, hidden]
    elif args.email and args.password:
        cookie = sign_in(args.base, args.email, args.password, args.key, args.cookie_name)
        lines = [cookie]
    else:
        parser.error("give --email and --password, or --resident")
    if args.wapiti_cookie:
        wapiti_cookie(args.wapiti_cookie, cookie)
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
