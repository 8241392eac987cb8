"""Offline checks of the deployment files that no off-the-shelf tool covers.

scripts/check-deploy.sh runs the linters (kubernetes-validate, checkov,
hadolint, docker-compose, actionlint, promtool) and calls this module for the
rest. Each sub-command prints one line per problem and exits 1 if there was
any:

  crds DIR            custom resources in the rendered overlays (DIR/*.yaml)
                      against their CRDs' openAPIV3Schema, unknown fields
                      rejected; writes DIR/builtin/*.yaml for kubernetes-validate
  policy DIR          what the architecture requires of every overlay (ingress
                      routes, network policies, SpinApp bindings for spin.toml,
                      references to Secrets and ConfigMaps)
  checkov REPORT      checkov's JSON report against deploy/checkov-waivers.yaml
  terraform           every .tf parses; variables described, typed and used;
                      outputs described; providers and Terraform pinned
  rules DIR OUT       PrometheusRules of the rendered overlays: alert fields,
                      runbook links to headings of docs/operations.md; writes
                      the rule groups to OUT for `promtool check rules`
  dashboard FILE      the Grafana dashboard's structure and its PromQL names
  image               the Dockerfile ships what spin.toml names
"""

from __future__ import annotations

import copy
import fnmatch
import glob
import json
import os
import re
import sys
import tomllib
from pathlib import Path

import hcl2
import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES_VERSION = "1.34"
BUILTIN_GROUPS = {
    "",
    "apps",
    "autoscaling",
    "batch",
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "ClusterIssuer", "RuntimeClass"}
TERRAFORM_CONFIGMAPS_FOR = ("production",)

problems: list[str] = []


def problem(message: str) -> None:
    problems.append(message)
    print(f"  - {message}")


def finish(what: str) -> None:
    if problems:
        print(f"{what}: {len(problems)} problem(s)")
        sys.exit(1)
    print(f"{what}: ok")


def load_docs(path: Path) -> list[dict]:
    with path.open() as f:
        return [d for d in yaml.safe_load_all(f) if d]


def group_version(doc: dict) -> tuple[str, str]:
    api = doc.get("apiVersion", "")
    group, _, version = api.rpartition("/")
    return group, version


# --- crds -------------------------------------------------------------------


def strict(schema: dict) -> dict:
    """Rejects fields the schema does not name, as `kubectl apply --validate=strict`."""
    schema = copy.deepcopy(schema)

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if (
                node.get("type") == "object"
                and "properties" in node
                and "additionalProperties" not in node
                and not node.get("x-kubernetes-preserve-unknown-fields")
            ):
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    # metadata is checked by the API server's own rules, not the CRD schema.
    schema.setdefault("properties", {})["metadata"] = {"type": "object"}
    return schema


SPINKUBE_GROUP = "core.spinkube.dev"


def crd_schemas() -> dict[tuple[str, str, str], dict]:
    spinkube = Path(os.environ.get("EDGECART_SPINKUBE_CRDS", ROOT.parent / "shared/reference/spinkube-crds"))
    files = sorted(spinkube.glob("*.yaml")) + sorted((ROOT / "deploy/schemas").glob("*.yaml"))
    if not list(spinkube.glob("*.yaml")):
        print(
            f"  note: no SpinKube CRDs in {spinkube} (set EDGECART_SPINKUBE_CRDS); "
            "SpinApp and SpinAppExecutor are checked by the policy rules only"
        )
    schemas = {}
    for f in files:
        for crd in load_docs(f):
            if crd.get("kind") != "CustomResourceDefinition":
                continue
            spec = crd["spec"]
            for version in spec["versions"]:
                key = (spec["group"], version["name"], spec["names"]["kind"])
                schemas[key] = strict(version["schema"]["openAPIV3Schema"])
    return schemas


def cmd_crds(directory: str) -> None:
    out = Path(directory)
    schemas = crd_schemas()
    builtin_dir = out / "builtin"
    builtin_dir.mkdir(exist_ok=True)
    for rendered in sorted(out.glob("*.yaml")):
        builtin = []
        for doc in load_docs(rendered):
            group, version = group_version(doc)
            where = f"{rendered.stem}: {doc['kind']}/{doc['metadata'].get('name')}"
            if group in BUILTIN_GROUPS:
                builtin.append(doc)
                continue
            schema = schemas.get((group, version, doc["kind"]))
            if schema is None and group == SPINKUBE_GROUP and not any(k[0] == SPINKUBE_GROUP for k in schemas):
                continue
            if schema is None:
                problem(f"{where}: no schema for {doc['apiVersion']} {doc['kind']} (add one to deploy/schemas)")
                continue
            validator = jsonschema.Draft7Validator(schema)
            for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
                path = "/".join(str(p) for p in error.absolute_path)
                problem(f"{where}: {path}: {error.message}")
        with (builtin_dir / rendered.name).open("w") as f:
            yaml.safe_dump_all(builtin, f, sort_keys=False)
    finish("custom resources against their CRDs")


# --- policy -----------------------------------------------------------------


def spin_manifest() -> dict:
    with (ROOT / "spin.toml").open("rb") as f:
        return tomllib.load(f)


def secret_template() -> dict[str, set[str]]:
    keys = {}
    for f in sorted((ROOT / "k8s/secrets").glob("*.yaml")):
        for doc in load_docs(f):
            if doc["kind"] == "Secret":
                values = {**doc.get("stringData", {}), **doc.get("data", {})}
                for key, value in values.items():
                    if value not in ("", None):
                        problem(f"{f.name}: Secret {doc['metadata']['name']} key {key} has a value; templates stay empty")
                keys[doc["metadata"]["name"]] = set(values)
    return keys


def terraform_configmaps() -> dict[str, set[str]]:
    """ConfigMaps terraform writes into the cluster: name -> keys."""
    maps: dict[str, set[str]] = {}
    for f in sorted((ROOT / "terraform").rglob("*.tf")):
        with f.open() as fh:
            parsed = hcl2.load(fh)
        for block in parsed.get("resource", []):
            for name, body in block.get("kubernetes_config_map_v1", {}).items():
                meta = first(body["metadata"])
                data = first(body.get("data", {}))
                maps[unquote(first(meta["name"]))] = {unquote(k) for k in data if not k.startswith("__")}
    return maps


def first(value: object) -> object:
    """python-hcl2 wraps attribute values and blocks in one-element lists."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def unquote(value: object) -> str:
    text = str(value)
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def pod_specs(doc: dict) -> list[dict]:
    spec = doc.get("spec", {})
    if doc["kind"] in ("Deployment", "StatefulSet", "DaemonSet"):
        return [spec["template"]["spec"]]
    return []


def cmd_policy(directory: str) -> None:
    manifest = spin_manifest()
    secrets = secret_template()
    tf_maps = terraform_configmaps()
    variables = manifest.get("variables", {})
    required = {n for n, v in variables.items() if v.get("required")}
    labels_db = set()
    labels_kv = set()
    for component in manifest.get("component", {}).values():
        labels_db.update(component.get("sqlite_databases", []))
        labels_kv.update(component.get("key_value_stores", []))

    for rendered in sorted(Path(directory).glob("*.yaml")):
        overlay = rendered.stem
        docs = load_docs(rendered)
        by_kind: dict[str, list[dict]] = {}
        for doc in docs:
            by_kind.setdefault(doc["kind"], []).append(doc)
            ns = doc["metadata"].get("namespace")
            if doc["kind"] not in CLUSTER_SCOPED and not ns:
                problem(f"{overlay}: {doc['kind']}/{doc['metadata']['name']} has no namespace")
        names = {(d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]) for d in docs}
        configmaps = {
            (d["metadata"].get("namespace"), d["metadata"]["name"]): set(d.get("data", {}))
            for d in by_kind.get("ConfigMap", [])
        }
        if overlay.startswith(TERRAFORM_CONFIGMAPS_FOR):
            for name, keys in tf_maps.items():
                for ns in ("edgecart", "logging"):
                    configmaps.setdefault((ns, name), keys)

        def check_ref(where: str, kind: str, ns: str, ref: dict, key: str | None) -> None:
            if ref.get("optional"):
                return
            name = ref["name"]
            if kind == "Secret":
                if name not in secrets:
                    problem(f"{overlay}: {where}: Secret {name} is not in k8s/secrets")
                elif key is not None and key not in secrets[name]:
                    problem(f"{overlay}: {where}: Secret {name} has no key {key} in k8s/secrets")
            else:
                keys = configmaps.get((ns, name))
                if keys is None:
                    problem(f"{overlay}: {where}: ConfigMap {ns}/{name} is neither rendered nor written by terraform")
                elif key is not None and key not in keys:
                    problem(f"{overlay}: {where}: ConfigMap {ns}/{name} has no key {key}")

        def check_value_from(where: str, ns: str, value_from: dict) -> None:
            if "secretKeyRef" in value_from:
                check_ref(where, "Secret", ns, value_from["secretKeyRef"], value_from["secretKeyRef"]["key"])
            if "configMapKeyRef" in value_from:
                check_ref(where, "ConfigMap", ns, value_from["configMapKeyRef"], value_from["configMapKeyRef"]["key"])

        # Workloads: references, probes, limits.
        for kind in ("Deployment", "StatefulSet", "DaemonSet"):
            for doc in by_kind.get(kind, []):
                ns = doc["metadata"]["namespace"]
                for spec in pod_specs(doc):
                    for c in spec.get("containers", []):
                        where = f"{kind}/{doc['metadata']['name']}/{c['name']}"
                        for env in c.get("env", []):
                            if "valueFrom" in env:
                                check_value_from(where, ns, env["valueFrom"])
                        for src in c.get("envFrom", []):
                            if "configMapRef" in src:
                                check_ref(where, "ConfigMap", ns, src["configMapRef"], None)
                            if "secretRef" in src:
                                check_ref(where, "Secret", ns, src["secretRef"], None)
                        if "livenessProbe" not in c or "readinessProbe" not in c:
                            problem(f"{overlay}: {where}: needs a liveness and a readiness probe")
                        if "limits" not in c.get("resources", {}):
                            problem(f"{overlay}: {where}: needs resource limits")
                    for vol in spec.get("volumes", []):
                        if "secret" in vol:
                            items = [i["key"] for i in vol["secret"].get("items", [])] or [None]
                            for key in items:
                                check_ref(f"{kind}/{doc['metadata']['name']}", "Secret", ns, {"name": vol["secret"]["secretName"]}, key)
                        if "configMap" in vol:
                            check_ref(f"{kind}/{doc['metadata']['name']}", "ConfigMap", ns, vol["configMap"], None)

        # Services select pods that exist.
        templates = []
        for kind in ("Deployment", "StatefulSet", "DaemonSet"):
            for doc in by_kind.get(kind, []):
                templates.append((doc["metadata"]["namespace"], doc["spec"]["template"]["metadata"].get("labels", {})))
        for app in by_kind.get("SpinApp", []):
            templates.append((app["metadata"]["namespace"], app["spec"].get("podLabels", {})))
        for svc in by_kind.get("Service", []):
            selector = svc["spec"].get("selector")
            if svc["spec"].get("type") == "ExternalName":
                continue
            if not selector:
                problem(f"{overlay}: Service {svc['metadata']['name']} has no selector")
                continue
            ns = svc["metadata"]["namespace"]
            if not any(tns == ns and all(labels.get(k) == v for k, v in selector.items()) for tns, labels in templates):
                problem(f"{overlay}: Service {svc['metadata']['name']} selects no pod template")

        # The SpinApp binds what spin.toml asks for.
        apps = by_kind.get("SpinApp", [])
        if len(apps) != 1:
            problem(f"{overlay}: expected one SpinApp, found {len(apps)}")
        for app in apps:
            spec = app["spec"]
            ns = app["metadata"]["namespace"]
            bound = {v["name"] for v in spec.get("variables", [])}
            for missing in sorted(required - bound):
                problem(f"{overlay}: SpinApp does not bind the required variable {missing}")
            for extra in sorted(bound - set(variables)):
                problem(f"{overlay}: SpinApp binds {extra}, which spin.toml does not declare")
            for v in spec.get("variables", []):
                if "valueFrom" in v:
                    check_value_from(f"SpinApp variable {v['name']}", ns, v["valueFrom"])
                if variables.get(v["name"], {}).get("secret") and "secretKeyRef" not in v.get("valueFrom", {}):
                    problem(f"{overlay}: SpinApp variable {v['name']} is secret in spin.toml but not bound from a Secret")
            runtime = spec.get("runtimeConfig", {})
            dbs = {d["name"]: d for d in runtime.get("sqliteDatabases", [])}
            if set(dbs) != labels_db:
                problem(f"{overlay}: SpinApp sqliteDatabases {sorted(dbs)} differ from spin.toml's labels {sorted(labels_db)}")
            for name, db in dbs.items():
                if db["type"] != "libsql":
                    problem(f"{overlay}: SpinApp database {name} is {db['type']}, expected libsql")
                options = {o["name"]: o for o in db.get("options", [])}
                url = options.get("url", {}).get("value", "")
                if not re.match(r"^http://sqld-replica\.edgecart\.svc\.cluster\.local:\d+$", url):
                    problem(f"{overlay}: SpinApp database {name} must point at the region's replica, not {url!r}")
                for o in options.values():
                    if "valueFrom" in o:
                        check_value_from(f"SpinApp database {name}", ns, o["valueFrom"])
            kvs = {k["name"] for k in runtime.get("keyValueStores", [])}
            if kvs != labels_kv:
                problem(f"{overlay}: SpinApp keyValueStores {sorted(kvs)} differ from spin.toml's {sorted(labels_kv)}")
            executors = {e["metadata"]["name"] for e in by_kind.get("SpinAppExecutor", [])}
            if spec["executor"] not in executors:
                problem(f"{overlay}: SpinApp executor {spec['executor']} is not defined")

        # Ingress: / and /api to the SpinApp, /webhooks and /media to the host, /internal never to the SpinApp.
        issuers = {i["metadata"]["name"] for i in by_kind.get("ClusterIssuer", [])}
        shop = {a["metadata"]["name"] for a in apps}
        for ing in by_kind.get("Ingress", []):
            name = ing["metadata"]["name"]
            issuer = ing["metadata"].get("annotations", {}).get("cert-manager.io/cluster-issuer")
            if issuer not in issuers:
                problem(f"{overlay}: Ingress {name} uses ClusterIssuer {issuer}, which the overlay does not define")
            tls_hosts = {h for t in ing["spec"].get("tls", []) for h in t.get("hosts", [])}
            routes = {}
            for rule in ing["spec"]["rules"]:
                if rule.get("host") not in tls_hosts:
                    problem(f"{overlay}: Ingress {name} serves {rule.get('host')} without TLS")
                for p in rule["http"]["paths"]:
                    routes[p["path"]] = p["backend"]["service"]["name"]
            for path in ("/", "/api"):
                if routes.get(path) not in shop:
                    problem(f"{overlay}: Ingress {name} must route {path} to the SpinApp")
            if routes.get("/webhooks") != "edgecart-host":
                problem(f"{overlay}: Ingress {name} must route /webhooks to edgecart-host")
            if routes.get("/media") != "edgecart-host":
                problem(f"{overlay}: Ingress {name} must route /media to edgecart-host")
            # Longest prefix wins: /internal/... must match a path that is not the SpinApp's.
            for probe in ("/internal", "/internal/orders/pending", "/internal/catalog/reservations"):
                matches = [p for p in routes if probe == p or probe.startswith(p.rstrip("/") + "/") or p == "/"]
                best = max(matches, key=len)
                if routes[best] in shop:
                    problem(f"{overlay}: Ingress {name} routes {probe} to the SpinApp")

        # Network policies: default deny in the app namespace.
        policies = [p for p in by_kind.get("NetworkPolicy", []) if p["metadata"]["namespace"] == "edgecart"]
        if not any(
            p["spec"].get("podSelector") == {} and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
            and not p["spec"].get("ingress") and not p["spec"].get("egress")
            for p in policies
        ):
            problem(f"{overlay}: namespace edgecart has no default-deny NetworkPolicy")

        # Autoscalers and disruption budgets target what exists.
        for hpa in by_kind.get("HorizontalPodAutoscaler", []):
            ref = hpa["spec"]["scaleTargetRef"]
            targets = {("Deployment", hpa["metadata"]["namespace"], a["metadata"]["name"]) for a in apps}
            if (ref["kind"], hpa["metadata"]["namespace"], ref["name"]) not in names | targets:
                problem(f"{overlay}: HPA {hpa['metadata']['name']} targets a missing {ref['kind']} {ref['name']}")
    finish("architecture policy of the rendered overlays")


# --- checkov ----------------------------------------------------------------


def cmd_checkov(report: str) -> None:
    with (ROOT / "deploy/checkov-waivers.yaml").open() as f:
        waivers = yaml.safe_load(f)["waivers"]
    for w in waivers:
        if not str(w.get("reason", "")).strip():
            problem(f"checkov waiver {w['check']} has no reason")
    used = set()
    with open(report) as f:
        data = json.load(f)
    reports = data if isinstance(data, list) else [data]
    for r in reports:
        for failed in r.get("results", {}).get("failed_checks", []):
            check, resource = failed["check_id"], failed["resource"]
            match = next(
                (i for i, w in enumerate(waivers) if w["check"] == check and any(fnmatch.fnmatch(resource, p) for p in w["resources"])),
                None,
            )
            if match is None:
                where = f"{failed.get('file_path')}:{failed.get('file_line_range', [''])[0]}"
                problem(f"{check} {failed.get('check_name')}: {resource} ({where})")
            else:
                used.add(match)
    for i, w in enumerate(waivers):
        if i not in used:
            problem(f"checkov waiver {w['check']} for {w['resources']} matches no finding any more: remove it")
    finish("checkov findings against deploy/checkov-waivers.yaml")


# --- terraform --------------------------------------------------------------


def cmd_terraform() -> None:
    tf_root = ROOT / "terraform"
    dirs = sorted({p.parent for p in tf_root.rglob("*.tf")})
    for d in dirs:
        rel = d.relative_to(ROOT)
        text = ""
        parsed_files = []
        for f in sorted(d.glob("*.tf")):
            body = f.read_text()
            text += body
            try:
                parsed_files.append((f, hcl2.loads(body)))
            except Exception as e:  # noqa: BLE001 - the parser raises several types
                problem(f"{f.relative_to(ROOT)}: does not parse: {e}")
        declared = {}
        has_terraform_block = False
        for f, parsed in parsed_files:
            for block in parsed.get("variable", []):
                for name, body in block.items():
                    if not name.startswith("__"):
                        declared[name] = (f, body)
            for block in parsed.get("output", []):
                for name, body in block.items():
                    if not name.startswith("__") and not str(first(body.get("description", ""))).strip():
                        problem(f"{f.relative_to(ROOT)}: output {name} has no description")
            for block in parsed.get("terraform", []):
                has_terraform_block = True
                if not str(first(block.get("required_version", ""))).strip():
                    problem(f"{rel}: terraform block without required_version")
                for providers in block.get("required_providers", []):
                    for pname, spec in providers.items():
                        spec = first(spec)
                        if pname.startswith("__"):
                            continue
                        if not isinstance(spec, dict) or not first(spec.get("version")) or not first(spec.get("source")):
                            problem(f"{rel}: provider {pname} needs a source and a version constraint")
        if not has_terraform_block:
            problem(f"{rel}: no terraform block pinning Terraform and the providers")
        for name, (f, body) in declared.items():
            where = f"{f.relative_to(ROOT)}: variable {name}"
            if not str(first(body.get("description", ""))).strip():
                problem(f"{where} has no description")
            if "type" not in body:
                problem(f"{where} has no type")
            uses = len(re.findall(rf"\bvar\.{re.escape(name)}\b", text))
            if uses == 0:
                problem(f"{where} is declared but never used")
        if rel.parts[:2] == ("terraform", "environments"):
            if not re.search(r'backend\s+"s3"', text):
                problem(f"{rel}: an environment keeps its state in the S3 backend")
    eks_vars = (tf_root / "modules/eks/variables.tf").read_text()
    m = re.search(r'variable\s+"kubernetes_version".*?default\s*=\s*"([^"]+)"', eks_vars, re.S)
    if not m or m.group(1) != KUBERNETES_VERSION:
        problem(f"modules/eks kubernetes_version default must equal the validated version {KUBERNETES_VERSION}")
    finish(f"terraform ({len(dirs)} directories)")


# --- rules ------------------------------------------------------------------


def github_anchor(heading: str) -> str:
    anchor = heading.strip().lower()
    anchor = re.sub(r"[^\w\- ]", "", anchor)
    return anchor.replace(" ", "-")


def cmd_rules(directory: str, out: str) -> None:
    docs_text = (ROOT / "docs/operations.md").read_text()
    anchors = {github_anchor(h) for h in re.findall(r"^#{1,6}\s+(.+?)\s*$", docs_text, re.M)}
    groups = {}
    alerts = set()
    for rendered in sorted(Path(directory).glob("*.yaml")):
        for doc in load_docs(rendered):
            if doc["kind"] != "PrometheusRule":
                continue
            for group in doc["spec"]["groups"]:
                groups[group["name"]] = group
    if not groups:
        problem("no PrometheusRule in any overlay")
    for group in groups.values():
        for rule in group.get("rules", []):
            if "alert" not in rule:
                if not re.match(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$", rule.get("record", "")):
                    problem(f"{group['name']}: a rule is neither an alert nor a valid recording rule")
                continue
            name = rule["alert"]
            alerts.add(name)
            if rule.get("labels", {}).get("severity") not in ("critical", "warning", "info"):
                problem(f"{name}: severity must be critical, warning or info")
            ann = rule.get("annotations", {})
            for field in ("summary", "description", "runbook_url"):
                if not ann.get(field):
                    problem(f"{name}: missing annotation {field}")
            url = ann.get("runbook_url", "")
            m = re.match(r"^https://github\.com/edgecart/edgecart/blob/main/docs/operations\.md#([\w-]+)$", url)
            if not m:
                problem(f"{name}: runbook_url must point into docs/operations.md, not {url!r}")
            elif m.group(1) not in anchors:
                problem(f"{name}: runbook anchor #{m.group(1)} is not a heading of docs/operations.md")
            elif m.group(1) != name.lower():
                problem(f"{name}: runbook anchor should be #{name.lower()}")
    with open(out, "w") as f:
        yaml.safe_dump({"groups": list(groups.values())}, f, sort_keys=False)
    print(f"  {len(alerts)} alerts checked")
    finish("alerting rules")


# --- dashboard --------------------------------------------------------------


def cmd_dashboard(path: str) -> None:
    try:
        dash = json.loads(Path(path).read_text())
    except json.JSONDecodeError as e:
        problem(f"{path}: invalid JSON: {e}")
        finish("grafana dashboard")
        return
    for field in ("uid", "title", "panels", "schemaVersion"):
        if field not in dash:
            problem(f"{path}: missing {field}")
    ids = [p.get("id") for p in dash.get("panels", [])]
    if len(ids) != len(set(ids)):
        problem(f"{path}: duplicate panel ids")
    rules_text = "".join(Path(p).read_text() for p in glob.glob(str(ROOT / "k8s/base/monitoring/prometheusrule.yaml")))
    recorded = set(re.findall(r"record:\s*(\S+)", rules_text))
    known_prefixes = ("edgecart_", "spin_", "libsql_server_", "kube_", "up")
    need = {"traffic": False, "latency": False, "errors": False, "saga": False, "replication": False}
    for panel in dash.get("panels", []):
        if panel.get("type") == "row":
            continue
        if not panel.get("targets"):
            problem(f"{path}: panel {panel.get('title')} has no query")
        for t in panel.get("targets", []):
            expr = t.get("expr", "")
            if expr.count("(") != expr.count(")") or expr.count("{") != expr.count("}"):
                problem(f"{path}: panel {panel.get('title')}: unbalanced brackets in {expr}")
            for name in re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)(?=\{|\[|\s*\)|$)", expr):
                if ":" in name and name not in recorded:
                    problem(f"{path}: panel {panel.get('title')} uses {name}, which no recording rule defines")
            if not any(p in expr for p in known_prefixes) and not any(r in expr for r in recorded):
                problem(f"{path}: panel {panel.get('title')} queries no Edgecart metric")
            need["traffic"] |= "calls_total" in expr
            need["latency"] |= "duration_seconds" in expr or "latency" in expr
            need["errors"] |= "5.." in expr or "errors" in expr
            need["saga"] |= "checkout_sagas" in expr
            need["replication"] |= "replication_lag" in expr
    for topic, seen in need.items():
        if not seen:
            problem(f"{path}: no panel shows {topic}")
    finish("grafana dashboard")


# --- image ------------------------------------------------------------------


def cmd_image() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    manifest = spin_manifest()
    copies = re.findall(r"^COPY\s+(?:--\S+\s+)*(.+?)\s+(\S+)\s*$", dockerfile, re.M)
    copied = {src for line_sources, _ in copies for src in line_sources.split()}
    if "spin.toml" not in copied:
        problem("Dockerfile does not copy spin.toml into the image")
    for cid, component in manifest.get("component", {}).items():
        source = component.get("source", "")
        wasm = Path(source).name
        if isinstance(source, str) and source.endswith(".wasm") and f"target/wasm32-wasip2/release/{wasm}" not in dockerfile:
            problem(f"Dockerfile does not ship component {cid}'s {source}")
        if f"-p {cid}" not in dockerfile:
            problem(f"Dockerfile does not build component {cid}")
        for entry in component.get("files", []):
            src = entry["source"] if isinstance(entry, dict) else entry
            if not any(src == c or src.startswith(c.rstrip("/") + "/") for c in copied):
                problem(f"Dockerfile does not copy {cid}'s files from {src}")
    finish("Dockerfile against spin.toml")


def main() -> None:
    commands = {
        "crds": cmd_crds,
        "policy": cmd_policy,
        "checkov": cmd_checkov,
        "terraform": cmd_terraform,
        "rules": cmd_rules,
        "dashboard": cmd_dashboard,
        "image": cmd_image,
    }
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        sys.exit(2)
    commands[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
