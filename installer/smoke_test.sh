#!/usr/bin/env bash
# Installer smoke test: build the frozen app and the Debian package, install the package on this
# machine, and run the installed app the way a county workstation would — from a folder outside
# the source tree, with no virtual environment and an empty environment, on a temporary data
# directory. Any traceback or unexpected stderr output fails it. The package is removed at the end.
#
#   bash installer/smoke_test.sh          (as root: it uses apt-get and dpkg; CI runs it so)
#
# Stages: system tools -> desktop/AppStream validation -> build venv -> icons -> PyInstaller
# bundle -> bundle checks (unused Qt, notices) -> .deb -> install -> CLI (version, upgrade,
# administrator, demo data, PDF, machine-wide database default) -> GUI offscreen -> GUI on a
# virtual X screen -> sizes -> uninstall. Re-runnable: the build venv in installer/build/venv is
# reused while installer/requirements-build.txt and pyproject.toml's dependencies are unchanged.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
BUILD="$HERE/build"
DIST="$HERE/dist"
VENV="$BUILD/venv"
BUNDLE="$DIST/girlscourt"
APP_ID="org.girlscourt.GirlsCourt"
PASSWORD="Smoke-test-admin-1!"
# Lines the Qt "offscreen" platform plugin prints for every window it cannot size like a real
# window system; they come from Qt itself, not from the app. Nothing else may reach stderr.
OFFSCREEN_NOISE='^This plugin does not support propagateSizeHints\(\)$'

STARTED=$SECONDS
passed=0
failed=0
failures=()
installed_by_us=0
xvfb_pid=""
gui_pid=""
TMP="$(mktemp -d /tmp/girlscourt-smoke.XXXXXX)"

log() { echo "[smoke] $*"; }
pass() {
  passed=$((passed + 1))
  log "ok    $*"
}
fail() {
  failed=$((failed + 1))
  failures+=("$*")
  log "FAIL  $*"
}
show() { # show a captured file, indented, when a check fails
  [ -s "$1" ] && sed 's/^/        | /' "$1" | head -40
  return 0
}
finish() {
  local code=$?
  trap - EXIT
  [ -n "$gui_pid" ] && kill "$gui_pid" 2>/dev/null
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
  if [ "$installed_by_us" = 1 ]; then
    if dpkg --purge girlscourt >"$TMP/dpkg-remove.log" 2>&1 && [ ! -e /opt/girlscourt ] &&
      [ ! -e /usr/bin/girlscourt ] && [ ! -e "/usr/share/applications/$APP_ID.desktop" ] &&
      ! dpkg-query -W girlscourt >/dev/null 2>&1; then
      pass "dpkg --purge girlscourt removed /opt/girlscourt, the launchers and the desktop entry"
    else
      fail "dpkg --purge girlscourt left files behind or failed"
      show "$TMP/dpkg-remove.log"
    fi
  fi
  rm -rf "$TMP"
  log "took $((SECONDS - STARTED)) s"
  if [ "$failed" -gt 0 ]; then
    log "failed checks:"
    printf '[smoke]   - %s\n' "${failures[@]}"
  elif [ "$code" -ne 0 ]; then
    failed=1
    log "stopped by an unexpected error (exit $code)"
  fi
  echo "installer: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] || exit 1
  exit 0
}
trap finish EXIT
abort() { # a failure later stages cannot go on without
  fail "$*"
  exit 1
}

[ "$(id -u)" = 0 ] || abort "run as root: the smoke test installs packages with apt-get and dpkg"
cd "$ROOT"
VERSION="$(python3 -c 'import ast, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
print(next(n.value.value for n in tree.body if isinstance(n, ast.Assign)
           and getattr(n.targets[0], "id", "") == "__version__"))' girlscourt/__init__.py)"
log "Girls Court $VERSION, scratch folder $TMP"

# --- system tools ---------------------------------------------------------------------------------
# readelf (binutils) for the .deb's dependencies; validators; Xvfb and xwininfo for the X11 run;
# the libraries PySide6 needs to load in the build venv (PyInstaller's hooks import it).
need=()
for pkg in binutils desktop-file-utils appstream xvfb x11-utils libegl1 libgl1 libxkbcommon0 \
  libfontconfig1 libglib2.0-0 libdbus-1-3 fonts-dejavu-core; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq >"$TMP/apt-update.log" 2>&1 || abort "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" \
    >"$TMP/apt-install.log" 2>&1 || {
    show "$TMP/apt-install.log"
    abort "apt-get install ${need[*]} failed"
  }
fi

# --- desktop entry and AppStream metadata ---------------------------------------------------------
if desktop-file-validate "$HERE/linux/$APP_ID.desktop" >"$TMP/dfv.log" 2>&1; then
  pass "desktop-file-validate $APP_ID.desktop"
else
  fail "desktop-file-validate $APP_ID.desktop"
  show "$TMP/dfv.log"
fi
if appstreamcli validate --no-net "$HERE/linux/$APP_ID.metainfo.xml" >"$TMP/asv.log" 2>&1; then
  pass "appstreamcli validate --no-net $APP_ID.metainfo.xml"
else
  fail "appstreamcli validate --no-net $APP_ID.metainfo.xml"
  show "$TMP/asv.log"
fi

# --- build venv -----------------------------------------------------------------------------------
mkdir -p "$BUILD"
python3 -c 'import sys, tomllib
print("\n".join(tomllib.load(open(sys.argv[1], "rb"))["project"]["dependencies"]))' \
  pyproject.toml >"$BUILD/runtime-requirements.txt"
want="$(cat "$HERE/requirements-build.txt" "$BUILD/runtime-requirements.txt" <(python3 -VV) |
  sha256sum | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.stamp" 2>/dev/null)" != "$want" ]; then
  log "creating the build venv $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  if ! PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/pip" install -q \
    -r "$HERE/requirements-build.txt" -r "$BUILD/runtime-requirements.txt" \
    >"$TMP/pip.log" 2>&1; then
    grep -v "^WARNING: Location" "$TMP/pip.log" | tail -20
    abort "pip install of the build requirements failed"
  fi
  echo "$want" >"$VENV/.stamp"
fi
PY="$VENV/bin/python"
pass "build venv ready ($("$PY" -m PyInstaller --version | sed 's/^/PyInstaller /'))"

# --- icons ----------------------------------------------------------------------------------------
if QT_QPA_PLATFORM=offscreen "$PY" "$HERE/make_icons.py" --check >"$TMP/icons.log" 2>&1; then
  pass "icon PNGs match resources/icons/girlscourt.svg; .ico present"
else
  fail "icons out of date (run: python installer/make_icons.py)"
  show "$TMP/icons.log"
fi

# --- the bundle -----------------------------------------------------------------------------------
log "building the PyInstaller bundle (a few minutes)"
t0=$SECONDS
if ! "$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$DIST" \
  --workpath "$BUILD/pyinstaller" "$HERE/girlscourt.spec" >"$BUILD/pyinstaller.log" 2>&1; then
  tail -30 "$BUILD/pyinstaller.log"
  abort "PyInstaller build failed (log: $BUILD/pyinstaller.log)"
fi
pass "PyInstaller bundle built in $((SECONDS - t0)) s: $BUNDLE"
if "$PY" "$HERE/check_bundle.py" unused-qt "$BUNDLE" >"$TMP/qt.log"; then
  pass "bundle carries no unused Qt add-ons (WebEngine, QML/Quick, 3D, Multimedia, ...)"
else
  fail "unused Qt add-ons in the bundle"
  show "$TMP/qt.log"
fi
if "$PY" "$HERE/check_bundle.py" notices "$BUNDLE" >"$TMP/notices.log"; then
  pass "THIRD_PARTY_NOTICES.md names every bundled distribution; licence texts bundled"
else
  fail "third-party notices incomplete"
  show "$TMP/notices.log"
fi

# --- the Debian package ---------------------------------------------------------------------------
t0=$SECONDS
if DEB="$(bash "$HERE/build_deb.sh" "$BUNDLE" "$DIST" 2>"$TMP/deb.log" | tail -1)" &&
  [ -f "$DEB" ]; then
  pass "Debian package built in $((SECONDS - t0)) s: $(basename "$DEB")"
else
  show "$TMP/deb.log"
  abort "build_deb.sh failed"
fi

if dpkg-query -W -f='${Status}' girlscourt 2>/dev/null | grep -q "install ok installed"; then
  log "removing a girlscourt package left installed by an earlier run"
  dpkg --purge girlscourt >/dev/null
fi
installed_by_us=1
if ! dpkg -i "$DEB" >"$TMP/dpkg.log" 2>&1; then
  log "dpkg -i left dependencies to fetch; apt-get -f install"
  DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq --no-install-recommends \
    >>"$TMP/dpkg.log" 2>&1 || true
fi
if dpkg-query -W -f='${Status}' girlscourt 2>/dev/null | grep -q "install ok installed"; then
  pass "dpkg -i $(basename "$DEB") (dependencies from apt where missing)"
else
  show "$TMP/dpkg.log"
  abort "the package did not install"
fi
ok=1
for f in /usr/share/icons/hicolor/256x256/apps/$APP_ID.png \
  /usr/share/icons/hicolor/scalable/apps/$APP_ID.svg /usr/share/metainfo/$APP_ID.metainfo.xml; do
  [ -f "$f" ] || {
    ok=0
    log "missing: $f"
  }
done
desktop-file-validate "/usr/share/applications/$APP_ID.desktop" >"$TMP/dfv2.log" 2>&1 || ok=0
if [ "$ok" = 1 ]; then
  pass "installed desktop entry valid; icons and metainfo in place"
else
  fail "installed desktop integration incomplete"
  show "$TMP/dfv2.log"
fi
# Every shared library of the installed bundle must resolve: the bundle's own, or the system's
# from the package's Depends.
lib_dirs="$(find /opt/girlscourt -name '*.so*' -printf '%h\n' | sort -u | paste -sd:)"
: >"$TMP/ldd.log"
while IFS= read -r -d '' elf; do
  readelf -h "$elf" >/dev/null 2>&1 || continue
  LD_LIBRARY_PATH="$lib_dirs" ldd "$elf" 2>/dev/null | grep "not found" | sed "s|^|$elf: |" \
    >>"$TMP/ldd.log" || true
done < <(find /opt/girlscourt -type f \( -name '*.so*' -o -perm -u+x \) -print0)
if [ ! -s "$TMP/ldd.log" ]; then
  pass "every shared library in /opt/girlscourt resolves (ldd)"
else
  fail "unresolved shared libraries in /opt/girlscourt"
  show "$TMP/ldd.log"
fi

# --- the installed app, as a workstation runs it --------------------------------------------------
# An empty environment (env -i): no virtualenv, no PYTHONPATH, no locale; cwd outside the tree.
HOME_DIR="$TMP/home"
DATA="$TMP/data"
mkdir -p "$HOME_DIR" "$DATA" "$TMP/work" "$TMP/run"
chmod 700 "$TMP/run"
cd "$TMP/work"
app() { env -i PATH=/usr/bin:/bin HOME="$HOME_DIR" GIRLSCOURT_DATA_DIR="$DATA" "$@"; }
# run NAME EXPECTED_RC COMMAND...: stdout/stderr kept in $TMP/NAME.out|err; stderr must be empty
run() {
  local name="$1" expected="$2" rc=0
  shift 2
  "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" || rc=$?
  if [ "$rc" = "$expected" ] && [ ! -s "$TMP/$name.err" ]; then
    return 0
  fi
  log "$name: exit $rc (expected $expected)"
  show "$TMP/$name.err"
  return 1
}

where="$(app sh -c 'command -v girlscourt')"
if [ "$where" = /usr/bin/girlscourt ]; then
  pass "girlscourt on PATH: $where"
else
  fail "girlscourt not on PATH (found: '${where}')"
fi

t0=$(date +%s%N)
if run version 0 app girlscourt --version &&
  [ "$(cat "$TMP/version.out")" = "girlscourt $VERSION" ]; then
  ms=$((($(date +%s%N) - t0) / 1000000))
  pass "girlscourt --version -> $(cat "$TMP/version.out") ($ms ms)"
else
  fail "girlscourt --version"
  show "$TMP/version.out"
fi

if run upgrade 0 app girlscourt db upgrade && [ -f "$DATA/girlscourt.sqlite3" ]; then
  pass "girlscourt db upgrade on a fresh data dir: $(cat "$TMP/upgrade.out")"
else
  abort "girlscourt db upgrade"
fi
if run admin 0 app sh -c \
  "echo '$PASSWORD' | girlscourt user add admin --role administrator --password-stdin"; then
  pass "girlscourt user add admin --role administrator --password-stdin"
else
  abort "girlscourt user add"
fi
user() { app GIRLSCOURT_PASSWORD="$PASSWORD" girlscourt --user admin "$@"; }
if run seed 0 user demo seed --youths 25 --seed 11; then
  pass "girlscourt demo seed --youths 25 --seed 11: $(head -1 "$TMP/seed.out")"
else
  fail "girlscourt demo seed"
fi

# PDFs, through whichever print commands this version has.
is_pdf() { [ -s "$1" ] && [ "$(head -c 5 "$1")" = "%PDF-" ]; }
app girlscourt --help >"$TMP/help.out" 2>&1 || true
printed=0
has_print() { # has_print GROUP: the CLI has "GROUP print"
  grep -qE "^ +$1 " "$TMP/help.out" && app girlscourt "$1" --help 2>/dev/null | grep -qw print
}
if has_print docket; then
  day="$(date +%F)"
  if run docket 0 user docket print --date "$day" --out "$TMP/docket.pdf" &&
    is_pdf "$TMP/docket.pdf"; then
    pass "girlscourt docket print --date $day -> PDF, $(stat -c %s "$TMP/docket.pdf") bytes"
    printed=1
  else
    fail "girlscourt docket print"
  fi
fi
if has_print referral; then
  # The first referral in the demo data, if the demo seeds any.
  if user referral show 1 --json >/dev/null 2>&1; then
    if run referral 0 user referral print 1 --out "$TMP/referral.pdf" &&
      is_pdf "$TMP/referral.pdf"; then
      pass "girlscourt referral print 1 -> PDF, $(stat -c %s "$TMP/referral.pdf") bytes"
      printed=1
    else
      fail "girlscourt referral print"
    fi
  else
    log "note: the demo data has no referral 1; referral print not exercised"
  fi
fi
[ "$printed" = 1 ] || log "note: this version has no docket/referral print command; no PDF printed"

# The machine-wide default that IT deploys (Windows: /DATABASE=, Linux: /etc/xdg): a
# girlscourt.toml in the site config folder names the database when the user's config does not.
SITE="$TMP/site-config"
mkdir -p "$SITE/Girls Court"
echo "database_url = 'sqlite:///$TMP/site.sqlite3'" >"$SITE/Girls Court/girlscourt.toml"
if run site 0 env -i PATH=/usr/bin:/bin HOME="$HOME_DIR" GIRLSCOURT_DATA_DIR="$TMP/data-site" \
  XDG_CONFIG_DIRS="$SITE" girlscourt db upgrade && [ -f "$TMP/site.sqlite3" ] &&
  [ ! -e "$TMP/data-site/girlscourt.sqlite3" ]; then
  pass "machine-wide girlscourt.toml supplies the database_url default"
else
  fail "machine-wide database_url default not applied"
fi

# --- the desktop app ------------------------------------------------------------------------------
gui_env=(env -i PATH=/usr/bin:/bin HOME="$HOME_DIR" GIRLSCOURT_DATA_DIR="$DATA" LANG=C.UTF-8
  XDG_RUNTIME_DIR="$TMP/run")
# 1. Offscreen, asking the app to quit by itself once the sign-in window is up. ui/app.py is to
#    honour GIRLSCOURT_SMOKE_EXIT_AFTER_MS: print "smoke: login window shown" and exit 0. Until
#    it does (no ui module mentions the variable), the app is stopped by the timeout (124).
if "$PY" "$HERE/check_bundle.py" ui-mentions /opt/girlscourt/girlscourt-desktop \
  GIRLSCOURT_SMOKE_EXIT_AFTER_MS; then honoured=1; else honoured=0; fi
rc=0
"${gui_env[@]}" QT_QPA_PLATFORM=offscreen GIRLSCOURT_SMOKE_EXIT_AFTER_MS=3000 \
  timeout 20 girlscourt-desktop >"$TMP/gui.out" 2>"$TMP/gui.err.raw" || rc=$?
grep -vE "$OFFSCREEN_NOISE" "$TMP/gui.err.raw" >"$TMP/gui.err" || true
shown=0
grep -qx "smoke: login window shown" "$TMP/gui.out" && shown=1
if [ -s "$TMP/gui.err" ]; then
  fail "desktop app (offscreen) wrote to stderr (exit $rc)"
  show "$TMP/gui.err"
elif [ "$rc" = 0 ] && [ "$shown" = 1 ]; then
  pass "desktop app (offscreen) showed the login window and exited 0"
elif [ "$honoured" = 0 ] && [ "$rc" = 124 ]; then
  pass "desktop app (offscreen) ran 20 s without error output; stopped by timeout"
  log "note: ui/app.py does not honour GIRLSCOURT_SMOKE_EXIT_AFTER_MS yet (see installer/README.md)"
else
  fail "desktop app (offscreen): exit $rc, login line $([ "$shown" = 1 ] && echo present || echo absent)"
  show "$TMP/gui.out"
fi

# 2. On a virtual X server, through the xcb platform plugin that Linux desktops use: the
#    sign-in window must appear (seen with xwininfo) and nothing may reach stderr.
display=""
for n in $(seq 91 99); do
  [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || {
    display=":$n"
    break
  }
done
if [ -z "$display" ]; then
  fail "no free X display number for Xvfb"
else
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$TMP/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 1 50); do
    xwininfo -display "$display" -root >/dev/null 2>&1 && break
    sleep 0.1
  done
  t0=$(date +%s%N)
  "${gui_env[@]}" DISPLAY="$display" girlscourt-desktop >"$TMP/x11.out" 2>"$TMP/x11.err" &
  gui_pid=$!
  seen=""
  for _ in $(seq 1 150); do
    if xwininfo -display "$display" -root -tree 2>/dev/null |
      grep -iE '"(sign in|log ?in)[^"]*": \("[^"]*" "Girls Court"\)' >"$TMP/x11.win"; then
      seen="$((($(date +%s%N) - t0) / 1000000))"
      break
    fi
    kill -0 "$gui_pid" 2>/dev/null || break
    sleep 0.1
  done
  sleep 1 # let start-up finish (the database opens behind the window) before judging stderr
  alive=0
  kill -0 "$gui_pid" 2>/dev/null && alive=1
  kill "$gui_pid" 2>/dev/null || true
  wait "$gui_pid" 2>/dev/null || true
  gui_pid=""
  kill "$xvfb_pid" 2>/dev/null || true
  wait "$xvfb_pid" 2>/dev/null || true
  xvfb_pid=""
  if [ -n "$seen" ] && [ "$alive" = 1 ] && [ ! -s "$TMP/x11.err" ]; then
    pass "desktop app on X11 (Xvfb): sign-in window up after $seen ms, no stderr output"
  else
    fail "desktop app on X11 (Xvfb): window $([ -n "$seen" ] && echo seen || echo 'not seen'), running $alive"
    show "$TMP/x11.err"
  fi
fi

# --- sizes ----------------------------------------------------------------------------------------
log "bundle: $(du -sh "$BUNDLE" | cut -f1) ($BUNDLE); installed: $(du -sh /opt/girlscourt | cut -f1)"
log ".deb:   $(du -h "$DEB" | cut -f1) ($DEB)"
# finish (the EXIT trap) removes the package and prints the totals.
