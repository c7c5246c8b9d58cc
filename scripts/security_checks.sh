#!/usr/bin/env bash
# Security checks (issue 14; docs/security-checks.md). CI runs `bash scripts/security_checks.sh`
# after the tests. Fails on any finding that is not justified in the code.
#   static:  bandit over engage/, the project's semgrep rules (.semgrep/engage.yml) over
#            engage/, templates/ and wsgi.py, and proof that every rule fires on its bad
#            example and not on its good one (tests/security_rules/).
#   dynamic: sqlmap and wapiti against the site on loopback (SQLite, demo data, a throwaway
#            instance folder): the public forms, and the officer's pages signed in.
# `bash scripts/security_checks.sh static` (or `dynamic`) runs one half.
set -euo pipefail
cd "$(dirname "$0")/.."

WHAT="${1:-all}"
case "$WHAT" in all | static | dynamic) ;; *)
  echo "usage: $0 [all|static|dynamic]" >&2
  exit 2
  ;;
esac

PY=.venv/bin/python # the project's own venv (make bootstrap): the site and the session helper
SEC=.venv-security  # bandit and semgrep only: semgrep pins many packages of its own
REPORTS="${SECURITY_REPORTS:-$(mktemp -d /tmp/engage-security-XXXXXX)}"
mkdir -p "$REPORTS"
export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off TERM=dumb
STARTED=$SECONDS
FAILED=()

step() { printf '\n== %s (%ss so far)\n' "$1" "$((SECONDS - STARTED))"; }
fail() {
  echo "FAIL: $1"
  FAILED+=("$1")
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

static_checks() {
  step "Security tools (.venv-security)"
  # Reinstalled only when scripts/security-requirements.txt changes (the stamp names its hash).
  local stamp
  stamp="$SEC/.installed-$(sha256sum scripts/security-requirements.txt | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    rm -rf "$SEC"
    python3 -m venv "$SEC"
    "$SEC/bin/pip" install --quiet --upgrade pip >"$REPORTS/pip.log" 2>&1 || {
      cat "$REPORTS/pip.log"
      exit 1
    }
    "$SEC/bin/pip" install --quiet -r scripts/security-requirements.txt >>"$REPORTS/pip.log" 2>&1 || {
      cat "$REPORTS/pip.log"
      exit 1
    }
    touch "$stamp"
  fi
  echo "bandit $("$SEC/bin/bandit" --version | head -1 | cut -d' ' -f2), semgrep $("$SEC/bin/semgrep" --version)"

  step "bandit over engage/"
  # Exit status 1 means findings; the JSON report says which, and is checked below.
  "$SEC/bin/bandit" -c pyproject.toml -r engage -q -f json -o "$REPORTS/bandit.json" 2>/dev/null || true
  python3 - "$REPORTS/bandit.json" <<'EOF' || fail "bandit"
import json, sys
report = json.load(open(sys.argv[1]))
for error in report["errors"]:
    print(f"  bandit could not check {error['filename']}: {error['reason']}")
for r in report["results"]:
    print(f"  {r['filename']}:{r['line_number']}: {r['test_id']} ({r['issue_severity']}) {r['issue_text']}")
totals = report["metrics"]["_totals"]
print(f"  {totals['loc']} lines checked; {len(report['results'])} finding(s); "
      f"{totals['skipped_tests']} justified with # nosec")
sys.exit(1 if report["results"] or report["errors"] else 0)
EOF

  step "semgrep: .semgrep/engage.yml over engage/, templates/, wsgi.py and the rule examples"
  # The examples are named one by one: semgrep skips tests/ folders by default.
  mapfile -t examples < <(find tests/security_rules -type f \( -name '*.py' -o -name '*.html' \) | sort)
  "$SEC/bin/semgrep" scan --config .semgrep/engage.yml --metrics=off --disable-version-check \
    --no-git-ignore --quiet --json --output "$REPORTS/semgrep.json" \
    engage templates wsgi.py "${examples[@]}"
  python3 - "$REPORTS/semgrep.json" .semgrep/engage.yml "${examples[@]}" <<'EOF' || fail "semgrep"
import json, re, sys
report = json.load(open(sys.argv[1]))
rule_ids = re.findall(r"^  - id: (\S+)", open(sys.argv[2]).read(), re.M)
examples = sys.argv[3:]
ok = True
for error in report["errors"]:
    print(f"  semgrep error: {error.get('message', error)}")
    ok = False
found = {(r["path"], r["start"]["line"], r["check_id"].rsplit(".", 1)[-1]) for r in report["results"]}
# 1. The project's own code: every finding is a failure (justify it with nosemgrep, or fix it).
code = sorted(f for f in found if not f[0].startswith("tests/security_rules/"))
for path, line, rule in code:
    print(f"  {path}:{line}: {rule}")
print(f"  {len(report['paths']['scanned'])} files checked; {len(code)} finding(s) in the code")
ok = ok and not code
# 2. The examples: each `ruleid: a, b` comment expects those rules on the next code line.
expected = set()
for path in examples:
    lines = open(path, encoding="utf-8").read().splitlines()
    for number, text in enumerate(lines, start=1):
        if match := re.search(r"ruleid:\s*([\w, -]+?)\s*(#}|$)", text):
            for rule in match.group(1).split(","):
                expected.add((path, number + 1, rule.strip()))
examples_found = {f for f in found if f[0].startswith("tests/security_rules/")}
for path, line, rule in sorted(expected - examples_found):
    print(f"  rule {rule} did not fire on its bad example {path}:{line}")
for path, line, rule in sorted(examples_found - expected):
    where = "good example" if "/good/" in path else "unmarked line"
    print(f"  rule {rule} fired on a {where}: {path}:{line}")
untested = sorted(set(rule_ids) - {rule for _, _, rule in expected})
for rule in untested:
    print(f"  rule {rule} has no bad example in tests/security_rules/bad/")
proved = expected == examples_found and not untested
print(f"  {len(rule_ids)} rules: each fired on its {len(expected)} bad example line(s) and on "
      f"nothing in good/: {'yes' if proved else 'NO'}")
sys.exit(0 if ok and proved else 1)
EOF
  echo "  justified in the code: $(grep -rn '# nosec B' engage | wc -l) nosec," \
    "$(grep -rn 'nosemgrep:' engage templates wsgi.py | wc -l) nosemgrep"
}

dynamic_checks() {
  step "Scanners (Debian's sqlmap and wapiti)"
  if ! command -v sqlmap >/dev/null || ! command -v wapiti >/dev/null; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlmap wapiti >/dev/null
  fi
  echo "sqlmap $(sqlmap --version 2>/dev/null | head -1), $(wapiti --version 2>/dev/null | tail -1)"
  [ -x "$PY" ] || make bootstrap

  step "The site on loopback (throwaway instance, SQLite, demo data)"
  INSTANCE="$(mktemp -d /tmp/engage-scan-instance-XXXXXX)"
  trap stop_site EXIT
  PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  BASE="http://127.0.0.1:$PORT"
  # As the Makefile's `run` target, in a folder of its own; rate limits off so that the
  # scanners reach the code behind the forms rather than a 429 (development config only).
  export ENGAGE_INSTANCE_DIR="$INSTANCE" ENGAGE_ENV=development SITE_URL="$BASE" \
    ENGAGE_SCAN_WITHOUT_RATE_LIMITS=1 DATABASE_URL="sqlite:///$INSTANCE/engage.db" \
    CELERY_BROKER_URL="" MAIL_BACKEND=file
  .venv/bin/engage db upgrade >"$REPORTS/setup.log" 2>&1
  LOG_LEVEL=WARNING .venv/bin/engage demo load >>"$REPORTS/setup.log" 2>&1
  .venv/bin/engage run --host 127.0.0.1 --port "$PORT" >"$REPORTS/site.log" 2>&1 &
  SITE_PID=$!
  for _ in $(seq 90); do
    curl -fso /dev/null "$BASE/" && break
    kill -0 "$SITE_PID" 2>/dev/null || break
    sleep 1
  done
  curl -fso /dev/null "$BASE/" || {
    cat "$REPORTS/site.log"
    fail "the site did not start"
    return
  }
  echo "  $BASE (pid $SITE_PID), instance $INSTANCE"

  # Sessions: a resident past the age question, and the demo officer signed in (both steps).
  local resident
  resident="$($PY scripts/security_session.py "$BASE" --resident)"
  mapfile -t RESIDENT <<<"$resident"
  OFFICER="$($PY scripts/security_session.py "$BASE" --email officer@engage.example \
    --password try-engage-locally --wapiti-cookie "$REPORTS/officer-cookie.json")"

  # --- sqlmap: each form named with its fields, never --forms (which would post /sign-out).
  # Boolean, error and UNION techniques on SQLite find string-built SQL in a second or two a
  # parameter; time-based and stacked queries would add minutes and find nothing those miss.
  # Level 1 / risk 1: no cookie or header injection (the session cookie is signed), and no
  # OR payloads that could update every row. Static parameters are tested too: most form
  # fields do not change the page, and skipping them would skip the form.
  step "sqlmap: public forms, then the officer's pages signed in"
  SQLMAP=(sqlmap --batch --level=1 --risk=1 --technique=BEU --dbms=SQLite --disable-coloring
    --skip=csrf_token,receipt_token,notice_version,age_group --timeout=20 --retries=1)
  local story="story=I+was+stopped+twice+on+my+way+to+work.&what_to_change=More+notice."
  local contact="contact_email=sam%40example.org&contact_phone=07700900123&consent_contact=y"
  sqlmap_target home GET "$BASE/?lang=en" "" ""
  sqlmap_target tell-start GET "$BASE/tell?lang=en" "" ""
  sqlmap_target age POST "$BASE/tell/age" "age=18_plus" "" "$BASE/tell/age"
  # The form carries its age, receipt token and notice version; its CSRF token comes from
  # any page of the session (the age page keeps giving one after a story is sent).
  sqlmap_target story POST "$BASE/tell/story" \
    "${RESIDENT[1]}&$story&local_authority_id=3&postcode=LS1+4AP&heard_about=event&consent_store=y&$contact" \
    "${RESIDENT[0]}" "$BASE/tell/age"
  sqlmap_target receipt-code POST "$BASE/your-story" "code=ABCD-EFGH-JKLM" "" "$BASE/your-story"
  sqlmap_target group-registration POST "$BASE/groups/register" \
    "name=Leeds+Elders+Forum&group_type=community_group&charity_number=&company_number=&communities_served=Older+residents&area_ids=3&theme_ids=1&contact_name=Sam+Lee&contact_email=sam%40example.org&contact_phone=07700900123&contact_consent=y" \
    "" "$BASE/groups/register"
  # An address with no account, so the demo accounts are never locked by wrong passwords.
  sqlmap_target sign-in POST "$BASE/sign-in" "email=nobody%40engage.example&password=wrong-password-1" \
    "" "$BASE/sign-in"
  sqlmap_target moderation-queue GET \
    "$BASE/moderation/?status=received&theme=1&area=3&language=en&channel=web&order=oldest&safeguarding=y" \
    "" "$OFFICER" ""
  sqlmap_target officer-story POST "$BASE/officer/stories/new" \
    "age=18_plus&channel=officer_phone&$story&local_authority_id=3&postcode=LS1+4AP&consent_store=y&$contact&attested=y" \
    "$OFFICER" "$BASE/officer/stories/new"

  # --- wapiti: crawls and attacks. Modules chosen for what Engage could get wrong:
  #   sql (error-based SQLi), xss and permanentxss (residents' words shown to officers),
  #   exec (pg_dump/pg_restore run from the code), file (path traversal in downloads and
  #   /static), redirect (?next= after sign-in), crlf (header injection via form values),
  #   backup (.bak/.old copies served, ASVS 12.5.1).
  # Left out: blindsql (timing, minutes, sqlmap covers SQLi), http_headers/csp/cookieflags
  # (exact-match header tests in pytest; Secure cookies cannot be set over loopback http),
  # csrf (flags GET search forms; pytest checks every POST needs its token), nikto/buster
  # (brute-force path lists), ssrf (needs an outside endpoint), xxe/shellshock (no XML, no
  # CGI), htaccess/methods (pytest checks TRACE and unused methods), brute_login_form.
  step "wapiti: public pages, then the officer's pages signed in"
  wapiti_scan public "" 40 15
  wapiti_scan officer "$REPORTS/officer-cookie.json" 50 15

  step "Server log"
  local requests errors
  # werkzeug's access lines end `HTTP/1.1" 200 -` (colour codes may come before the quote).
  requests="$(grep -cE '" [1-5][0-9]{2} [0-9-]+$' "$REPORTS/site.log" || true)"
  errors="$(grep -cE '" 5[0-9]{2} [0-9-]+$' "$REPORTS/site.log" || true)"
  echo "  $requests requests served, $errors with a 5xx status"
  if [ "$errors" -gt 0 ]; then
    grep -E '"level": "ERROR"' "$REPORTS/site.log" | cut -c1-2000 | head -10
    fail "the site answered $errors request(s) with a server error (see $REPORTS/site.log)"
  fi
}

# sqlmap_target NAME METHOD URL DATA COOKIE [CSRF_URL]
sqlmap_target() {
  local name="$1" method="$2" url="$3" data="$4" cookie="${5:-}" csrf_url="${6:-}"
  local out="$REPORTS/sqlmap/$name" args=()
  mkdir -p "$out"
  # sqlmap puts a fresh token from CSRF_URL in the csrf_token field before each request.
  [ -n "$csrf_url" ] && data="csrf_token=x&$data"
  [ "$method" = POST ] && args+=(--data "$data")
  [ -n "$cookie" ] && args+=(--cookie "$cookie")
  [ -n "$csrf_url" ] && args+=(--csrf-token csrf_token --csrf-url "$csrf_url")
  local began=$SECONDS status=0
  timeout 120 "${SQLMAP[@]}" -u "$url" "${args[@]}" --output-dir "$out" -t "$out/traffic.txt" \
    >"$out/sqlmap.txt" 2>&1 || status=$?
  python3 - "$name" "$out" "$status" "$((SECONDS - began))" <<'EOF' || fail "sqlmap $name"
import glob, re, sys
name, out, status, took = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
text = open(f"{out}/sqlmap.txt", encoding="utf-8", errors="replace").read()
traffic = open(f"{out}/traffic.txt", encoding="utf-8", errors="replace").read() \
    if glob.glob(f"{out}/traffic.txt") else ""
requests = len(re.findall(r"^HTTP request \[#\d+\]", traffic, re.M))
statuses = re.findall(r"^HTTP response \[#\d+\] \((\d{3})", traffic, re.M)
# The injection points sqlmap found: its CSV results file and the session log.
injectable = [row for path in glob.glob(f"{out}/results-*.csv")
              for row in open(path).read().splitlines()[1:] if row.strip()]
injectable += [line for path in glob.glob(f"{out}/*/log") for line in open(path)
               if line.startswith("Parameter:")]
tested = re.findall(r"testing for SQL injection on \w+ parameter '([^']+)'", text)
problems = []
if status == 124:
    problems.append("timed out")
if injectable or "identified the following injection point" in text:
    problems.append("INJECTABLE: " + "; ".join(injectable or ["see sqlmap.txt"]))
if not tested:
    problems.append("tested no parameter: " + (re.findall(r"\[(?:CRITICAL|ERROR)\] (.*)", text) or ["?"])[0])
if "5" in {s[0] for s in statuses}:
    problems.append(f"{sum(s[0] == '5' for s in statuses)} server error(s)")
# A form that refuses most requests (a CSRF token not taken up) was never really tested.
if statuses.count("400") > len(statuses) / 4:
    problems.append(f"{statuses.count('400')} of {len(statuses)} requests refused (400)")
print(f"  {name}: {requests} requests in {took}s, {len(tested)} parameter(s) tested "
      f"({', '.join(tested)}): {'; '.join(problems) or 'nothing injectable'}")
sys.exit(1 if problems else 0)
EOF
}

# Debian bookworm's wapiti 3.0.4 turns each -x pattern into "...\Z(?ms)", which Python 3.11
# refuses (global flags not at the start), so it crashes whenever an address is excluded.
# Run it with that one function replaced by the same pattern, flags first.
WAPITI_FIXED='import re, sys
import wapitiCore.net.crawler as crawler
crawler.wildcard_translate = lambda p: re.compile(
    "(?ms)" + ".*".join(re.escape(part) for part in p.split("*")) + r"\Z")
from wapitiCore.main.wapiti import wapiti_main
sys.argv[0] = "wapiti"
wapiti_main()'

# wapiti_scan NAME COOKIE_FILE CRAWL_SECONDS SECONDS_PER_MODULE
wapiti_scan() {
  local name="$1" cookie="$2" crawl="$3" attack="$4" out="$REPORTS/wapiti-$1" args=()
  [ -n "$cookie" ] && args+=(--cookie "$cookie")
  # Never sign out, withdraw, forget or remove anything, and never leave this site.
  local excluded=(/sign-out /your-story/forget "/your-story/withdraw*" "*/remove*" "*/cancel*"
    "*/end*" "*/reset-two-factor" /account/security "/sign-in/*")
  for path in "${excluded[@]}"; do args+=(-x "$BASE$path"); done
  local began=$SECONDS status=0
  WAPITI_PYTHON="$(head -1 "$(command -v wapiti)" | sed 's/^#! *//')" # Debian's python3
  timeout 300 "$WAPITI_PYTHON" -c "$WAPITI_FIXED" -u "$BASE/" --scope folder -d 4 --max-links-per-page 40 \
    --max-files-per-dir 30 --max-scan-time "$crawl" --max-attack-time "$attack" \
    -m sql,xss,permanentxss,exec,file,redirect,crlf,backup -S normal -t 20 \
    --flush-session --store-session "$out/session" --store-config "$out/config" \
    --no-bugreport -v 1 -f json -o "$out/report.json" "${args[@]}" >"$out.txt" 2>&1 || status=$?
  python3 - "$name" "$out" "$status" "$((SECONDS - began))" <<'EOF' || fail "wapiti $name"
import json, sys
name, out, status, took = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
try:
    report = json.load(open(f"{out}/report.json"))
except (OSError, ValueError) as error:
    print(f"  {name}: no report ({error}); exit status {status}, see {out}.txt")
    sys.exit(1)
found = [(kind, v) for kind, items in report["vulnerabilities"].items() for v in items]
anomalies = [(kind, a) for kind, items in report.get("anomalies", {}).items() for a in items]
for kind, item in found + anomalies:
    print(f"  {kind}: {item.get('method')} {item.get('path')} {item.get('parameter') or ''}")
    print("    " + item.get("http_request", "").replace("\n", "\n    ").strip())
errors = [a for kind, a in anomalies if kind == "Internal Server Error"]
log = open(f"{out}.txt", encoding="utf-8", errors="replace").read()
crawled = log.count("\n[+] ")
print(f"  {name}: {crawled} pages and forms crawled, attacked for {took}s: {len(found)} "
      f"vulnerabilities, {len(anomalies)} anomalies ({len(errors)} server errors)")
# Any vulnerability fails, and so does a 500; other anomalies (a slow answer) are reported.
sys.exit(1 if found or errors or status != 0 else 0)
EOF
}

stop_site() {
  if [ -n "${SITE_PID:-}" ] && kill -0 "$SITE_PID" 2>/dev/null; then
    kill "$SITE_PID" 2>/dev/null || true
    wait "$SITE_PID" 2>/dev/null || true
  fi
  [ -n "${INSTANCE:-}" ] && rm -rf "$INSTANCE"
  return 0
}

# `if`, not `||`: errexit stays on inside the functions.
if [ "$WHAT" != dynamic ]; then static_checks; fi
if [ "$WHAT" != static ]; then dynamic_checks; fi

step "Done"
echo "  reports in $REPORTS"
if [ "${#FAILED[@]}" -gt 0 ]; then
  printf '  failed: %s\n' "${FAILED[@]}"
  exit 1
fi
echo "  no findings"
