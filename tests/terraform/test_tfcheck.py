"""Self-test of the offline real-Terraform check (tfcheck.py + standin_provider.py).

    python3 tests/terraform/test_tfcheck.py            # ends with "N passed, N failed"
    python3 -m unittest discover -s tests/terraform -p 'test_*.py' -v

Standard library only. setUpClass runs setup.sh first (idempotent; about 1 s
when the venv is already there, ~15 s and a PyPI download when it is not); set
ROLEWRIGHT_TFCHECK_NO_SETUP=1 to skip that step and use the venv as it is.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
sys.path.insert(0, str(HERE))

import standin_provider  # noqa: E402  (its top level needs only the stdlib)
import tfcheck  # noqa: E402


def run_tfcheck(*args: str) -> tuple[int, dict]:
    """Run tfcheck.py as a user would (a subprocess, --json) and parse stdout."""
    p = subprocess.run([sys.executable, str(HERE / "tfcheck.py"), *args, "--json"],
                       capture_output=True, text=True, timeout=600)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        raise AssertionError(f"tfcheck printed no JSON (exit {p.returncode}):\n"
                             f"{p.stdout}\n{p.stderr}")
    return p.returncode, doc


def tree_snapshot(d: Path) -> dict:
    return {str(p.relative_to(d)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted(d.rglob("*"))}


class TerraformCheck(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.environ.get("ROLEWRIGHT_TFCHECK_NO_SETUP") != "1":
            p = subprocess.run(["bash", str(HERE / "setup.sh")], capture_output=True,
                               text=True, timeout=900)
            if p.returncode != 0:
                raise AssertionError(f"setup.sh failed:\n{p.stdout}\n{p.stderr}")

    # ------------------------------------------------------------ valid folder

    @classmethod
    def valid_plan(cls) -> dict:
        if not hasattr(cls, "_valid"):
            before = tree_snapshot(FIXTURES / "valid")
            rc, doc = run_tfcheck(str(FIXTURES / "valid"), "--plan",
                                  "--var", "environment=test")
            cls._valid = (rc, doc, before, tree_snapshot(FIXTURES / "valid"))
        return cls._valid

    def test_valid_passes_validate_and_plan(self):
        rc, doc, _, _ = self.valid_plan()
        self.assertEqual(rc, 0, json.dumps(doc.get("validate") or doc.get("error"), indent=1)
                         + json.dumps(doc.get("plan"), indent=1))
        self.assertTrue(doc["ok"])
        self.assertEqual(doc["exit_code"], 0)
        self.assertEqual(doc["terraform_version"], "1.15.5")
        self.assertTrue(doc["validate"]["ok"])
        self.assertEqual(doc["validate"]["diagnostics"], [])
        self.assertTrue(doc["plan"]["ok"])
        self.assertEqual(doc["plan"]["summary"], {"add": 8, "change": 0, "remove": 0})
        self.assertEqual(doc["plan_json"]["terraform_version"], "1.15.5")

    def test_policy_variables_come_through_unescaped(self):
        _, doc, _, _ = self.valid_plan()
        res = doc["resources"]
        # JSON string template: $${aws:username} -> ${aws:username}, %%{ -> %{
        pol = res["aws_iam_policy.self_service"]["policy"]
        self.assertIn("arn:aws:iam::123456789012:user/${aws:username}", pol)
        self.assertIn("bucket/%{literal}/${aws:PrincipalTag/team}/*", pol)
        self.assertNotIn("$${", pol)
        self.assertNotIn("%%{", pol)
        json.loads(pol)
        self.assertEqual(doc["outputs"]["self_service_policy"]["value"], pol)
        # a lone $$ / % stays as it is
        self.assertEqual(res["aws_iam_policy.self_service"]["description"],
                         "Users manage their own keys; 50% literal, $$ kept")
        # same escape inside a string literal within ${jsonencode(...)}
        inline = json.loads(res["aws_iam_role_policy.ci_inline"]["policy"])
        self.assertEqual(inline["Statement"][0]["Resource"],
                         ["arn:aws:s3:::rolewright-test/home/${aws:username}/*"])
        trust = json.loads(res["aws_iam_role.prod_reader"]["assume_role_policy"])
        self.assertEqual(trust["Statement"][0]["Condition"]["StringEquals"],
                         {"aws:PrincipalTag/team": "${aws:username}"})

    def test_jsonencode_policy_uses_data_source_fakes(self):
        _, doc, _, _ = self.valid_plan()
        role = doc["resources"]["aws_iam_role.ci"]
        trust = json.loads(role["assume_role_policy"])
        st = trust["Statement"][0]
        self.assertEqual(st["Principal"]["Federated"],
                         "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com")
        self.assertEqual(st["Condition"]["StringLike"],
                         {"token.actions.githubusercontent.com:sub": "repo:example-org/example-repo:*"})
        self.assertEqual(role["name"], "rolewright-ci-test")
        self.assertEqual(role["max_session_duration"], 3600)
        self.assertEqual(role["tags"], {"Environment": "test", "Project": "rolewright",
                                        "Name": "rolewright-ci"})

    def test_data_sources_return_fixed_fakes(self):
        _, doc, _, _ = self.valid_plan()
        res = doc["resources"]
        ident = res["data.aws_caller_identity.current"]
        self.assertEqual(ident["account_id"], "123456789012")
        self.assertEqual(ident["arn"], standin_provider.FAKE_CALLER_ARN)
        self.assertEqual(ident["user_id"], standin_provider.FAKE_USER_ID)
        self.assertEqual(res["data.aws_partition.current"]["partition"], "aws")
        self.assertEqual(res["data.aws_partition.current"]["dns_suffix"], "amazonaws.com")
        self.assertEqual(res["data.aws_region.current"]["name"], "us-east-1")
        self.assertEqual(res["data.aws_region.current"]["region"], "us-east-1")
        # a data source read through an aliased provider sees that provider's region
        self.assertEqual(res["data.aws_region.prod"]["region"], "us-west-2")
        self.assertEqual(doc["outputs"]["prod_region"]["value"], "us-west-2")
        self.assertEqual(doc["outputs"]["account_id"]["value"], "123456789012")
        # aws_iam_policy_document renders statements; &{...} becomes ${...}
        pd = json.loads(res["data.aws_iam_policy_document.ec2_trust"]["json"])
        self.assertEqual(pd["Statement"][0]["Principal"], {"Service": "ec2.amazonaws.com"})
        self.assertEqual(pd["Statement"][0]["Condition"],
                         {"StringEquals": {"aws:PrincipalTag/owner": "${aws:username}"}})

    def test_computed_attributes_are_unknown(self):
        _, doc, _, _ = self.valid_plan()
        unk = doc["unknown"]
        for attr in ("arn", "id", "unique_id", "create_date", "tags_all"):
            self.assertIs(unk["aws_iam_role.ci"].get(attr), True, attr)
        self.assertIs(unk["random_uuid.external_id"]["result"], True)
        self.assertIs(unk["aws_iam_role_policy_attachment.ci_self_service"]["policy_arn"], True)
        self.assertNotIn("arn", doc["resources"]["aws_iam_role.ci"])
        self.assertNotIn("value", doc["outputs"]["ci_role_arn"])  # known after apply

    def test_aliased_providers_in_plan(self):
        _, doc, _, _ = self.valid_plan()
        cfg = doc["plan_json"]["configuration"]
        self.assertIn("aws.prod", cfg["provider_config"])
        self.assertIn("assume_role", cfg["provider_config"]["aws.prod"]["expressions"])
        by_addr = {r["address"]: r for r in doc["plan_json"]["resource_changes"]}
        self.assertTrue(by_addr["aws_iam_role.prod_reader"]["provider_name"]
                        .endswith("hashicorp/aws"))
        self.assertEqual(cfg["root_module"]["resources"][
            [r["address"] for r in cfg["root_module"]["resources"]]
            .index("aws_iam_role.prod_reader")]["provider_config_key"], "aws.prod")

    def test_fixture_folder_untouched(self):
        _, _, before, after = self.valid_plan()
        self.assertEqual(before, after)
        self.assertFalse((FIXTURES / "valid" / ".terraform.lock.hcl").exists())
        self.assertFalse((FIXTURES / "valid" / ".terraform").exists())
        self.assertEqual(list(HERE.rglob(".terraform.lock.hcl")), [])

    def test_var_file(self):
        with tempfile.TemporaryDirectory() as t:
            vf = Path(t) / "env.tfvars.json"
            vf.write_text(json.dumps({"environment": "stage"}))
            rc, doc = run_tfcheck(str(FIXTURES / "valid"), "--plan", "--var-file", str(vf))
        self.assertEqual(rc, 0, doc.get("plan"))
        self.assertEqual(doc["resources"]["aws_iam_role.ci"]["name"], "rolewright-ci-stage")

    def test_missing_variable_value_fails_plan(self):
        rc, doc = run_tfcheck(str(FIXTURES / "valid"), "--plan")
        self.assertEqual(rc, 1)
        self.assertTrue(doc["validate"]["ok"])  # validate needs no values
        [d] = [d for d in doc["plan"]["diagnostics"] if d["severity"] == "error"]
        self.assertEqual(d["summary"], "No value for required variable")
        self.assertEqual(d["file"], "main.tf.json")
        self.assertIn('"environment"', d["detail"])

    def test_validate_only_without_plan_flag(self):
        rc, doc = run_tfcheck(str(FIXTURES / "valid"))
        self.assertEqual(rc, 0)
        self.assertIsNone(doc["plan"])
        self.assertIsNone(doc["plan_json"])

    def test_local_module_is_installed_and_planned(self):
        rc, doc = run_tfcheck(str(FIXTURES / "valid_with_module"), "--plan")
        self.assertEqual(rc, 0, doc.get("validate"))
        self.assertIn("module.ci.aws_iam_role.this", doc["resources"])
        self.assertIn('"x":"${aws:username}"', doc["outputs"]["policy"]["value"])
        self.assertFalse((FIXTURES / "valid_with_module" / ".terraform").exists())

    # ------------------------------------------------------------ failing folders

    def assert_fails(self, fixture, summary, detail=None, file="main.tf.json", line=None):
        rc, doc = run_tfcheck(str(FIXTURES / fixture), "--plan")
        self.assertEqual(rc, 1, json.dumps(doc, indent=1)[:3000])
        self.assertFalse(doc["ok"])
        self.assertFalse(doc["validate"]["ok"])
        self.assertIsNone(doc["plan"])  # plan is skipped when validate fails
        errors = [d for d in doc["validate"]["diagnostics"] if d["severity"] == "error"]
        self.assertEqual([d["summary"] for d in errors], [summary])
        if detail:
            self.assertIn(detail, errors[0]["detail"])
        self.assertEqual(errors[0]["file"], file)
        if line:
            self.assertEqual(errors[0]["line"], line)
        return errors[0]

    def test_unescaped_policy_variable_fails(self):
        self.assert_fails("bad_unescaped_policy_variable",
                          "Extra characters after interpolation expression",
                          'escape it by starting with "$${"', line=12)

    def test_unknown_argument_fails(self):
        self.assert_fails("bad_unknown_argument", "Extraneous JSON object property",
                          'No argument or block type is named "role_name".', line=12)

    def test_undeclared_provider_alias_fails(self):
        d = self.assert_fails("bad_undeclared_provider_alias", "Provider configuration not present",
                              'provider["registry.terraform.io/hashicorp/aws"].staging', file=None)
        self.assertIn("aws_iam_role.ci", d["detail"])

    def test_invalid_policy_json_fails_in_standin(self):
        self.assert_fails("bad_policy_json", "Invalid policy JSON in aws_iam_role.assume_role_policy",
                          "leading space characters are not allowed", line=12)

    def test_human_summary_shows_file_and_line(self):
        p = subprocess.run([sys.executable, str(HERE / "tfcheck.py"),
                            str(FIXTURES / "bad_unescaped_policy_variable")],
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(p.returncode, 1)
        self.assertIn("validate: FAILED, 1 error(s)", p.stdout)
        self.assertIn("bad_unescaped_policy_variable/main.tf.json:12,", p.stdout)
        self.assertIn("result:   FAIL (Terraform diagnostics)", p.stdout)

    # ------------------------------------------------------------ setup problems

    def test_missing_dir_is_setup_problem(self):
        rc, doc = run_tfcheck(str(FIXTURES / "does-not-exist"))
        self.assertEqual(rc, 2)
        self.assertIn("not a directory", doc["error"])

    def test_missing_venv_is_setup_problem(self):
        env = dict(os.environ, ROLEWRIGHT_PY_VENV=str(HERE / "no-such-venv"))
        p = subprocess.run([sys.executable, str(HERE / "tfcheck.py"), str(FIXTURES / "valid"),
                            "--json"], capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn("setup.sh", json.loads(p.stdout)["error"])

    def test_broken_provider_is_setup_problem(self):
        with tempfile.TemporaryDirectory() as t:
            broken = Path(t) / "broken.py"
            broken.write_text("import sys\nsys.stderr.write('stand-in exploded\\n')\nsys.exit(1)\n")
            saved = tfcheck.PROVIDER_PY
            tfcheck.PROVIDER_PY = broken
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out):
                    rc = tfcheck.main([str(FIXTURES / "valid"), "--json"])
            finally:
                tfcheck.PROVIDER_PY = saved
        doc = json.loads(out.getvalue())
        self.assertEqual(rc, 2)
        self.assertIn("Failed to load plugin schemas", doc["error"])
        self.assertIn("stand-in exploded", doc["error"])


class StandinUnits(unittest.TestCase):
    """Pure functions of the stand-in; no Terraform needed."""

    def test_policy_json_rule(self):
        f = standin_provider.policy_json_error
        self.assertIsNone(f('{"Version":"2012-10-17","Statement":[]}'))
        self.assertIn("empty string", f(""))
        self.assertIn("leading space", f(' {"a":1}'))
        self.assertIn("JSON encoded string", f('"{}"'))
        self.assertIn("not a JSON object", f("[1]"))
        self.assertIn("invalid JSON", f("{nope"))

    def test_policy_document(self):
        pretty, mini = standin_provider.render_policy_document({
            "version": None, "policy_id": None,
            "statement": [{"sid": None, "effect": "Deny", "actions": ["s3:*"],
                           "resources": ["arn:aws:s3:::b/&{aws:username}/*", "arn:aws:s3:::a"],
                           "principals": [{"type": "AWS", "identifiers": ["*"]}],
                           "condition": None}]})
        doc = json.loads(mini)
        self.assertEqual(json.loads(pretty), doc)
        self.assertEqual(doc, {"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::a", "arn:aws:s3:::b/${aws:username}/*"],
            "Principal": {"AWS": "*"}}]})

    def test_zero_values(self):
        z = standin_provider.zero_of
        self.assertEqual(z("string"), "")
        self.assertEqual(z(["list", "string"]), [])
        self.assertEqual(z(["map", "string"]), {})
        self.assertEqual(z(["object", {"a": "string"}]), {"a": None})


if __name__ == "__main__":
    # Run directly, it ends with a plain "N passed, N failed" line that CI logs can read.
    prog = unittest.main(exit=False)
    r = prog.result
    bad = len(r.failures) + len(r.errors) + len(r.unexpectedSuccesses)
    print(f"tfcheck self-test: {r.testsRun - bad - len(r.skipped)} passed, {bad} failed"
          + (f", {len(r.skipped)} skipped" if r.skipped else ""))
    sys.exit(0 if r.wasSuccessful() else 1)
