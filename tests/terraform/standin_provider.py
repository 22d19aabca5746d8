#!/usr/bin/env python3
"""A stand-in Terraform provider for offline checks: plugin protocol 6 over gRPC.

Terraform starts it (through a launcher named terraform-provider-aws or
terraform-provider-random that tfcheck.py writes into a temp dir and names in a
`dev_overrides` CLI config). It serves the provider, resource and data source
*schemas* of hashicorp/aws and hashicorp/random from schema/aws-iam.json, so
real Terraform core can validate and plan rendered configurations:

* GetProviderSchema / GetMetadata   the vendored schema;
* Validate*Config                   accepted, except that a known policy JSON
                                    argument must be a JSON object (this mimics
                                    the AWS provider's own ValidIAMPolicyJSON);
* ConfigureProvider                 remembers the provider's `region`;
* PlanResourceChange                the proposed state, with every computed
                                    attribute that is still null made unknown
                                    ("known after apply"): arn, id, unique_id...;
* ReadDataSource                    fixed fake values (account 123456789012,
                                    region us-east-1 unless the provider block
                                    sets one, partition aws); aws_iam_policy_document
                                    renders its statements to policy JSON;
* UpgradeResourceState/ReadResource pass the state through;
* ApplyResourceChange/Import        an error: "stand-in provider cannot apply".

It never talks to AWS and has no network access besides the loopback port that
Terraform connects to.

Wire details (see proto/tfplugin6.proto and Terraform's docs/plugin-protocol):
values are MessagePack-encoded `DynamicValue`s. A null is nil; an unknown value
is any MessagePack extension (code 0, or 12 for a "refined" unknown whose
payload we ignore). We decode with msgpack keeping ExtType objects, and encode
unknowns as ExtType(0, b"").

go-plugin handshake: one line on stdout,
    CORE-PROTOCOL-VERSION|APP-PROTOCOL-VERSION|NETWORK|ADDRESS|PROTOCOL
i.e. `1|6|tcp|127.0.0.1:PORT|grpc`. With TF_DISABLE_PLUGIN_TLS=1 Terraform
expects no 6th (server certificate) field. Besides tfplugin6.Provider, the server
answers go-plugin's own services: grpc.health.v1.Health/Check ("plugin" is
SERVING) and plugin.GRPCController/Shutdown (exit at once; without it go-plugin
waits 2 s before killing each provider process).

Usage (by a launcher): standin_provider.py --provider aws --schema FILE --gen-dir DIR
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from concurrent import futures

MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"

PROVIDER_ADDRS = {
    "aws": "registry.terraform.io/hashicorp/aws",
    "random": "registry.terraform.io/hashicorp/random",
}

# Fixed fake values for data sources. Deterministic on purpose.
FAKE_ACCOUNT_ID = "123456789012"
FAKE_CALLER_ARN = "arn:aws:iam::123456789012:user/rolewright-standin"
FAKE_USER_ID = "AIDAROLEWRIGHTSTANDIN"
DEFAULT_REGION = "us-east-1"
FAKE_CREATE_DATE = "2000-01-01T00:00:00Z"
REGION_DESCRIPTIONS = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)",
    "eu-central-1": "Europe (Frankfurt)",
}

# Arguments the real AWS provider validates with its ValidIAMPolicyJSON.
POLICY_JSON_ARGS = {
    "aws_iam_role": [("assume_role_policy",), ("inline_policy", "policy")],
    "aws_iam_policy": [("policy",)],
    "aws_iam_role_policy": [("policy",)],
}

CANNOT_APPLY = "stand-in provider cannot apply"


def log(msg: str) -> None:
    # go-plugin copies the plugin's stderr into Terraform's log (TF_LOG).
    print(f"[standin] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- values

class Values:
    """MessagePack <-> Python for Terraform DynamicValues."""

    def __init__(self, msgpack_mod):
        self.mp = msgpack_mod
        self.UNKNOWN = msgpack_mod.ExtType(0, b"")

    def is_unknown(self, v) -> bool:
        return isinstance(v, self.mp.ExtType)

    def decode(self, dv):
        if dv is None:
            return None
        if dv.msgpack:
            return self.mp.unpackb(dv.msgpack, raw=False, strict_map_key=False)
        if dv.json:
            return json.loads(dv.json)
        return None

    def encode(self, pb, value):
        return pb.DynamicValue(msgpack=self.mp.packb(value, use_bin_type=True))


# --------------------------------------------------------------------------- schema

NESTING = {"single": 1, "list": 2, "set": 3, "map": 4, "group": 5}


def block_to_proto(pb, block: dict):
    out = pb.Schema.Block(version=0)
    for name in sorted(block.get("attributes", {})):
        a = block["attributes"][name]
        out.attributes.append(pb.Schema.Attribute(
            name=name,
            type=json.dumps(a["type"], separators=(",", ":")).encode(),
            description=a.get("description", ""),
            required=bool(a.get("required")),
            optional=bool(a.get("optional")),
            computed=bool(a.get("computed")),
            sensitive=bool(a.get("sensitive")),
            deprecated=bool(a.get("deprecated")),
        ))
    for name in sorted(block.get("block_types", {})):
        bt = block["block_types"][name]
        out.block_types.append(pb.Schema.NestedBlock(
            type_name=name,
            block=block_to_proto(pb, bt["block"]),
            nesting=NESTING[bt["nesting_mode"]],
            min_items=int(bt.get("min_items", 0)),
            max_items=int(bt.get("max_items", 0)),
        ))
    return out


def schema_to_proto(pb, s: dict):
    return pb.Schema(version=int(s.get("version", 0)), block=block_to_proto(pb, s["block"]))


def zero_of(ty):
    """A known, non-null filler value of a cty type (for data source results)."""
    if ty == "string":
        return ""
    if ty == "number":
        return 0
    if ty == "bool":
        return False
    if isinstance(ty, list):
        kind = ty[0]
        if kind in ("list", "set", "tuple"):
            return []
        if kind == "map":
            return {}
        if kind == "object":
            return {k: None for k in ty[1]}
    return None


def walk_blocks(block: dict, value: dict, fn):
    """Call fn(block_schema, object_value) on value and each nested block object."""
    if not isinstance(value, dict):
        return
    fn(block, value)
    for name, bt in block.get("block_types", {}).items():
        nested = value.get(name)
        if nested is None or isinstance(nested, (bytes, bytearray)):
            continue
        if bt["nesting_mode"] in ("single", "group"):
            items = [nested]
        elif bt["nesting_mode"] == "map":
            items = list(nested.values()) if isinstance(nested, dict) else []
        else:
            items = nested if isinstance(nested, list) else []
        for item in items:
            walk_blocks(bt["block"], item, fn)


# --------------------------------------------------------------------------- policy JSON

def policy_json_error(value: str) -> str | None:
    """Mimic terraform-provider-aws verify.ValidIAMPolicyJSON on a known string."""
    if value == "":
        return "is an empty string, which is not a valid JSON value"
    first = value[0]
    if first != "{":
        if first in " \t\r\n":
            return "contains an invalid JSON policy: leading space characters are not allowed"
        if first == '"':
            return "contains a JSON encoded string, not a JSON value"
        return "contains an invalid JSON policy: not a JSON object"
    try:
        json.loads(value)
    except ValueError as e:
        return f"contains an invalid JSON: {e}"
    return None


def render_policy_document(cfg: dict) -> tuple[str, str]:
    """A simplified aws_iam_policy_document: statements -> policy JSON.

    Covers sid, effect, (not_)actions, (not_)resources, (not_)principals and
    condition; like the real data source it turns `&{var}` into `${var}`. It does
    not merge source/override documents (they are ignored).
    """
    def amp(s):
        return s.replace("&{", "${") if isinstance(s, str) else s

    def one_or_list(values, keep_list=False):
        vals = [amp(v) for v in (values or [])]
        if len(vals) == 1 and not keep_list:
            return vals[0]
        return sorted(vals)

    doc = {"Version": cfg.get("version") or "2012-10-17"}
    if cfg.get("policy_id"):
        doc["Id"] = cfg["policy_id"]
    stmts = []
    for st in cfg.get("statement") or []:
        out = {}
        if st.get("sid") is not None:
            out["Sid"] = st["sid"]
        out["Effect"] = st.get("effect") or "Allow"
        for key, field in (("Action", "actions"), ("NotAction", "not_actions"),
                           ("Resource", "resources"), ("NotResource", "not_resources")):
            if st.get(field):
                out[key] = one_or_list(st[field])
        for key, field in (("Principal", "principals"), ("NotPrincipal", "not_principals")):
            blocks = st.get(field) or []
            if blocks:
                p = {}
                for b in sorted(blocks, key=lambda b: b.get("type") or ""):
                    if b.get("type") == "*" and b.get("identifiers") == ["*"]:
                        p = "*"
                        break
                    p.setdefault(b["type"], [])
                    p[b["type"]] += list(b.get("identifiers") or [])
                if isinstance(p, dict):
                    p = {k: one_or_list(v) for k, v in p.items()}
                out[key] = p
        conds = st.get("condition") or []
        if conds:
            c = {}
            for b in conds:
                c.setdefault(b["test"], {})[amp(b["variable"])] = one_or_list(b.get("values"))
            out["Condition"] = c
        stmts.append(out)
    doc["Statement"] = stmts
    return json.dumps(doc, indent=2), json.dumps(doc, separators=(",", ":"))


# --------------------------------------------------------------------------- the service

class StandinProvider:
    def __init__(self, pb, values: Values, provider: str, schema_doc: dict):
        self.pb = pb
        self.v = values
        self.provider = provider
        ps = schema_doc["provider_schemas"][PROVIDER_ADDRS[provider]]
        self.provider_schema = ps["provider"]
        self.resources = ps.get("resource_schemas", {})
        self.data_sources = ps.get("data_source_schemas", {})
        self.region = DEFAULT_REGION
        self.shutdown = threading.Event()
        self._schema_response = None

    # -- helpers
    def diag(self, summary, detail="", path=(), severity=1):
        d = self.pb.Diagnostic(severity=severity, summary=summary, detail=detail)
        for step in path:
            if isinstance(step, int):
                d.attribute.steps.append(self.pb.AttributePath.Step(element_key_int=step))
            else:
                d.attribute.steps.append(self.pb.AttributePath.Step(attribute_name=step))
        return d

    def caps(self):
        return self.pb.ServerCapabilities(
            plan_destroy=False, get_provider_schema_optional=True, move_resource_state=False)

    # -- schema
    def GetMetadata(self, req, ctx):
        r = self.pb.GetMetadata.Response(server_capabilities=self.caps())
        for name in sorted(self.resources):
            r.resources.append(self.pb.GetMetadata.ResourceMetadata(type_name=name))
        for name in sorted(self.data_sources):
            r.data_sources.append(self.pb.GetMetadata.DataSourceMetadata(type_name=name))
        return r

    def GetProviderSchema(self, req, ctx):
        if self._schema_response is None:
            r = self.pb.GetProviderSchema.Response(
                provider=schema_to_proto(self.pb, self.provider_schema),
                server_capabilities=self.caps())
            for name, s in self.resources.items():
                r.resource_schemas[name].CopyFrom(schema_to_proto(self.pb, s))
            for name, s in self.data_sources.items():
                r.data_source_schemas[name].CopyFrom(schema_to_proto(self.pb, s))
            self._schema_response = r
        return self._schema_response

    def GetResourceIdentitySchemas(self, req, ctx):
        return self.pb.GetResourceIdentitySchemas.Response()

    def GetFunctions(self, req, ctx):
        return self.pb.GetFunctions.Response()

    def CallFunction(self, req, ctx):
        return self.pb.CallFunction.Response(
            error=self.pb.FunctionError(text=f"the stand-in provider has no function {req.name!r}"))

    # -- validation
    def ValidateProviderConfig(self, req, ctx):
        return self.pb.ValidateProviderConfig.Response()

    def ValidateResourceConfig(self, req, ctx):
        resp = self.pb.ValidateResourceConfig.Response()
        cfg = self.v.decode(req.config)
        for path in POLICY_JSON_ARGS.get(req.type_name, []):
            for where, value in self._values_at(cfg, path):
                if isinstance(value, str):
                    err = policy_json_error(value)
                    if err:
                        resp.diagnostics.append(self.diag(
                            f"Invalid policy JSON in {req.type_name}.{'.'.join(path)}",
                            f"{path[-1]!r} {err} (the stand-in applies the AWS provider's "
                            "ValidIAMPolicyJSON rule)", where))
        return resp

    def _values_at(self, obj, path, where=()):
        """Yield (attribute path, value) for path through nested block lists."""
        if not isinstance(obj, dict):
            return
        head, rest = path[0], path[1:]
        val = obj.get(head)
        if not rest:
            yield where + (head,), val
            return
        if isinstance(val, dict):
            yield from self._values_at(val, rest, where + (head,))
        elif isinstance(val, list):
            for i, item in enumerate(val):
                yield from self._values_at(item, rest, where + (head,))

    def ValidateDataResourceConfig(self, req, ctx):
        return self.pb.ValidateDataResourceConfig.Response()

    def ConfigureProvider(self, req, ctx):
        cfg = self.v.decode(req.config) or {}
        region = cfg.get("region") if isinstance(cfg, dict) else None
        if isinstance(region, str) and region:
            self.region = region
        return self.pb.ConfigureProvider.Response()

    # -- managed resources
    def UpgradeResourceState(self, req, ctx):
        resp = self.pb.UpgradeResourceState.Response()
        raw = req.raw_state.json
        if raw:
            resp.upgraded_state.CopyFrom(self.v.encode(self.pb, json.loads(raw)))
        elif req.raw_state.flatmap:
            resp.diagnostics.append(self.diag("Unsupported state",
                                              "the stand-in provider cannot read flatmap state"))
        return resp

    def ReadResource(self, req, ctx):
        return self.pb.ReadResource.Response(new_state=req.current_state, private=req.private)

    def PlanResourceChange(self, req, ctx):
        schema = self.resources.get(req.type_name)
        resp = self.pb.PlanResourceChange.Response(planned_private=req.prior_private)
        if schema is None:
            resp.diagnostics.append(self.diag(f"Unknown resource type {req.type_name}"))
            return resp
        proposed = self.v.decode(req.proposed_new_state)
        if proposed is None:  # destroy
            resp.planned_state.CopyFrom(req.proposed_new_state)
            return resp

        def mark_unknown(block, obj):
            for name, a in block.get("attributes", {}).items():
                if a.get("computed") and obj.get(name) is None:
                    obj[name] = self.v.UNKNOWN

        prior = self.v.decode(req.prior_state)
        if prior is None:  # create: everything computed is decided at apply
            walk_blocks(schema["block"], proposed, mark_unknown)
        resp.planned_state.CopyFrom(self.v.encode(self.pb, proposed))
        return resp

    def ApplyResourceChange(self, req, ctx):
        r = self.pb.ApplyResourceChange.Response()
        r.diagnostics.append(self.diag(
            CANNOT_APPLY, "This provider only serves schemas for offline validate/plan "
            "checks (rolewright tests/terraform). Use the real provider to apply."))
        return r

    def ImportResourceState(self, req, ctx):
        r = self.pb.ImportResourceState.Response()
        r.diagnostics.append(self.diag(CANNOT_APPLY, "The stand-in provider cannot import."))
        return r

    # -- data sources
    def ReadDataSource(self, req, ctx):
        resp = self.pb.ReadDataSource.Response()
        schema = self.data_sources.get(req.type_name)
        if schema is None:
            resp.diagnostics.append(self.diag(f"Unknown data source {req.type_name}"))
            return resp
        cfg = self.v.decode(req.config) or {}
        state = self.fake_data(req.type_name, schema["block"], dict(cfg))
        resp.state.CopyFrom(self.v.encode(self.pb, state))
        return resp

    def fake_data(self, type_name, block, cfg):
        region = cfg.get("region") or cfg.get("name") if type_name == "aws_region" else None
        region = region or self.region
        known = {
            "aws_caller_identity": {
                "account_id": FAKE_ACCOUNT_ID, "arn": FAKE_CALLER_ARN,
                "user_id": FAKE_USER_ID, "id": FAKE_ACCOUNT_ID,
            },
            "aws_region": {
                "name": region, "region": region, "id": region,
                "description": REGION_DESCRIPTIONS.get(region, f"Stand-in region {region}"),
                "endpoint": f"ec2.{region}.amazonaws.com",
            },
            "aws_partition": {
                "partition": "aws", "dns_suffix": "amazonaws.com",
                "reverse_dns_prefix": "com.amazonaws", "id": "aws",
            },
        }.get(type_name, {})
        if type_name == "aws_iam_policy_document":
            pretty, minified = render_policy_document(cfg)
            known = {"json": pretty, "minified_json": minified,
                     "id": str(abs(hash_str(minified)))}
        elif type_name == "aws_iam_role":
            name = cfg.get("name") or "standin"
            known = {
                "arn": f"arn:aws:iam::{FAKE_ACCOUNT_ID}:role/{name}", "id": name,
                "unique_id": "AROAROLEWRIGHTSTANDIN", "create_date": FAKE_CREATE_DATE,
                "path": "/", "max_session_duration": 3600,
                "assume_role_policy": '{"Version":"2012-10-17","Statement":[]}',
            }
        elif type_name == "aws_iam_policy":
            name = cfg.get("name") or "standin"
            arn = cfg.get("arn") or f"arn:aws:iam::{FAKE_ACCOUNT_ID}:policy/{name}"
            known = {"arn": arn, "id": arn, "name": name, "path": "/",
                     "policy": '{"Version":"2012-10-17","Statement":[]}',
                     "policy_id": "ANPAROLEWRIGHTSTANDIN"}
        elif type_name == "aws_iam_openid_connect_provider":
            url = cfg.get("url") or "token.actions.githubusercontent.com"
            host = url.split("://", 1)[-1]
            arn = cfg.get("arn") or f"arn:aws:iam::{FAKE_ACCOUNT_ID}:oidc-provider/{host}"
            known = {"arn": arn, "id": arn, "url": url}

        def fill(blk, obj):
            for name, a in blk.get("attributes", {}).items():
                if obj.get(name) is None and a.get("computed"):
                    obj[name] = known.get(name, zero_of(a["type"])) if blk is block \
                        else zero_of(a["type"])
        walk_blocks(block, cfg, fill)
        return cfg

    # -- lifecycle
    def StopProvider(self, req, ctx):
        return self.pb.StopProvider.Response()


def hash_str(s: str) -> int:
    import hashlib
    return int(hashlib.sha256(s.encode()).hexdigest()[:8], 16)


# --------------------------------------------------------------------------- server

PROVIDER_METHODS = [
    "GetMetadata", "GetProviderSchema", "GetResourceIdentitySchemas",
    "ValidateProviderConfig", "ValidateResourceConfig", "ValidateDataResourceConfig",
    "UpgradeResourceState", "ConfigureProvider", "ReadResource", "PlanResourceChange",
    "ApplyResourceChange", "ImportResourceState", "ReadDataSource", "GetFunctions",
    "CallFunction", "StopProvider",
]


def build_handlers(grpc, pb, impl: StandinProvider, stop):
    def wrap(fn, name):
        def handler(req, ctx):
            try:
                return fn(req, ctx)
            except Exception as e:  # report instead of a bare gRPC INTERNAL
                log(f"{name} failed: {e!r}")
                import traceback
                traceback.print_exc(file=sys.stderr)
                ctx.abort(grpc.StatusCode.INTERNAL, f"stand-in provider {name}: {e!r}")
        return handler

    methods = {}
    for name in PROVIDER_METHODS:
        msg = getattr(pb, name)
        methods[name] = grpc.unary_unary_rpc_method_handler(
            wrap(getattr(impl, name), name),
            request_deserializer=msg.Request.FromString,
            response_serializer=msg.Response.SerializeToString)

    raw = dict(request_deserializer=lambda b: b, response_serializer=lambda b: b)

    def health_check(req, ctx):
        return b"\x08\x01"  # HealthCheckResponse{status: SERVING}

    def controller_shutdown(req, ctx):
        stop.set()
        return b""  # plugin.Empty

    return [
        grpc.method_handlers_generic_handler("tfplugin6.Provider", methods),
        grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
            "Check": grpc.unary_unary_rpc_method_handler(health_check, **raw)}),
        grpc.method_handlers_generic_handler("plugin.GRPCController", {
            "Shutdown": grpc.unary_unary_rpc_method_handler(controller_shutdown, **raw)}),
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--provider", choices=sorted(PROVIDER_ADDRS), required=True)
    ap.add_argument("--schema", required=True, help="schema JSON (providers schema -json shape)")
    ap.add_argument("--gen-dir", required=True, help="dir holding the generated tfplugin6_pb2.py")
    args = ap.parse_args(argv)

    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        print("This is a Terraform provider plugin (rolewright's offline stand-in).\n"
              "Terraform starts it; it is not meant to be run by hand.", file=sys.stderr)
        return 1
    versions = os.environ.get("PLUGIN_PROTOCOL_VERSIONS", "6").split(",")
    if "6" not in [v.strip() for v in versions]:
        print(f"stand-in speaks protocol 6 only; Terraform offers {versions}", file=sys.stderr)
        return 1

    sys.path.insert(0, args.gen_dir)
    import grpc  # noqa: E402
    import msgpack  # noqa: E402
    import tfplugin6_pb2 as pb  # noqa: E402

    with open(args.schema, encoding="utf-8") as f:
        schema_doc = json.load(f)

    stop = threading.Event()
    impl = StandinProvider(pb, Values(msgpack), args.provider, schema_doc)
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=4),
        options=[("grpc.max_receive_message_length", 256 << 20),
                 ("grpc.max_send_message_length", 256 << 20)])
    server.add_generic_rpc_handlers(build_handlers(grpc, pb, impl, stop))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()

    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Terraform handles Ctrl-C itself

    sys.stdout.write(f"1|6|tcp|127.0.0.1:{port}|grpc\n")
    sys.stdout.flush()

    parent = os.getppid()
    while not stop.wait(0.5):
        if os.getppid() != parent:  # Terraform died without a Shutdown call
            log("Terraform went away; exiting")
            break
    server.stop(grace=0.2).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
