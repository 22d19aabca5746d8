#!/usr/bin/env bash
# Set up moto's IAM/STS server for the apply engine's tests (xtask/apply/tests/).
#
#   xtask/apply/tests/moto/setup.sh     # idempotent: a second run takes about a second
#
# Installs the pinned requirements.txt from PyPI (the only network access) into the shared
# project venv ${ROLEWRIGHT_PY_VENV:-<repo>/target/py-venv}, creating it if needed, then
# checks that moto's server, the OIDC client-id shim (moto_iam_plus.py) and the fault proxy
# (faultproxy.py) load. The tests run this script themselves before starting moto, so
# `cargo test -p rolewright-apply` works on a fresh machine; `cargo xtask test` runs it too.
#
# Needs only python3 (>= 3.9) with pip. Without `python3 -m venv` (Debian without
# python3-venv) it bootstraps `virtualenv` from PyPI into a temp dir, like
# tests/terraform/setup.sh. Concurrent runs serialize on a lock file next to the venv.
#
# Environment: PYTHON (default python3), ROLEWRIGHT_PY_VENV.
set -euo pipefail
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
venv="${ROLEWRIGHT_PY_VENV:-$repo/target/py-venv}"
python="${PYTHON:-python3}"
reqs="$here/requirements.txt"
virtualenv_pin="virtualenv==21.15.11"

say() { printf 'moto/setup.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 2; }

command -v "$python" >/dev/null 2>&1 || die "$python not found (set PYTHON=...)"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' \
  || die "$python is older than 3.9 (moto 5.2 needs >= 3.9)"

mkdir -p "$(dirname "$venv")"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$venv.setup.lock"
  flock 9
fi

venv_ok() {
  [ -x "$venv/bin/python" ] && "$venv/bin/python" -m pip --version >/dev/null 2>&1
}

if ! venv_ok; then
  rm -rf "$venv"
  if "$python" -m venv "$venv" >/dev/null 2>&1 && venv_ok; then
    say "created venv $venv"
  else
    rm -rf "$venv"
    boot="$(mktemp -d)"
    trap 'rm -rf "$boot"' EXIT
    say "bootstrapping $virtualenv_pin with pip --target (no ensurepip here)"
    if "$python" -m pip --version >/dev/null 2>&1; then pip_cmd=("$python" -m pip)
    elif command -v pip3 >/dev/null 2>&1; then pip_cmd=(pip3)
    else die "neither '$python -m venv' nor pip works; install python3-venv or python3-pip"; fi
    "${pip_cmd[@]}" install --disable-pip-version-check --quiet --no-warn-script-location \
      --target "$boot" "$virtualenv_pin" >&2
    PYTHONPATH="$boot" "$python" -m virtualenv --quiet --no-download "$venv" >&2
    venv_ok || die "could not create a venv with pip at $venv"
    say "created venv $venv (virtualenv)"
  fi
fi
vpy="$venv/bin/python"

stamp="$venv/.rolewright-moto-requirements.sha256"
want="$("$python" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$reqs")"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ] \
   || ! "$vpy" -c 'import moto, moto.server, flask, flask_cors' >/dev/null 2>&1; then
  say "installing pinned moto (about 140 MB)"
  "$vpy" -m pip install --disable-pip-version-check --quiet --no-input -r "$reqs" >&2
  echo "$want" > "$stamp"
else
  say "moto up to date"
fi

# Smoke test: the shim patches moto's IAM backend, the proxy compiles.
"$vpy" -c "
import importlib.util, sys
spec = importlib.util.spec_from_file_location('moto_iam_plus', '$here/moto_iam_plus.py')
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
from moto.iam.models import IAMBackend
assert hasattr(IAMBackend, 'add_client_id_to_open_id_connect_provider')
compile(open('$here/faultproxy.py').read(), 'faultproxy.py', 'exec')
import moto; print(moto.__version__)
" >/dev/null || die "moto, the shim or the fault proxy does not load"
say "ready: moto $("$vpy" -c 'import moto; print(moto.__version__)'), venv $venv"
