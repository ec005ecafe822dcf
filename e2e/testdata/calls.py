"""Read the AWS calls moto recorded and, for each, the IAM action and resource.

Usage: python3 calls.py RECORDING ACCESS_KEY ACCOUNT < PHASES_JSON

RECORDING is the file moto's recorder appends to (MOTO_ENABLE_RECORDING):
one JSON object a line, each request's method, url, headers and body.
PHASES_JSON lists phases, each {"name", "from", "to", "role", "policy",
"rolePath", "secretKeys", "vpcArn"}: the byte span of the recording one
engine operation wrote, the CI role that runs it and its permission policy
(or null), the path of the role the program creates, the customer-managed
key of each secret the configuration names one for, and the stack's VPC. Only requests signed with ACCESS_KEY
(the engine's provider, not the fixture or the snapshots) count.

Prints, as JSON, for each phase every call: the IAM action, the resources
it acts on (ARNs as IAM evaluates them, in ACCOUNT), and, when the phase has
a policy, the Sid of the statement that allows it (null: denied). Then the
Sids of each policy that no call used.

Actions and resources are matched by moto's policy evaluator
(moto.iam.access_control), statement by statement; conditions are evaluated
here, with the request context keys AWS sets for each call, and a key the
call does not carry fails its condition.
"""

import base64
import json
import re
import sys
from urllib.parse import parse_qs, urlparse

from moto.iam.access_control import IAMPolicyStatement, PermissionResult

# The signing name in the credential scope, where it is not the IAM prefix.
PREFIX = {"monitoring": "cloudwatch"}

REGION = "us-east-1"


def parse(entry):
    """The signing key, the service (IAM prefix), the action and the parameters of a request."""
    headers = {k.lower(): v for k, v in entry["headers"].items()}
    m = re.search(r"Credential=([^/]+)/\d+/([^/]+)/([^/]+)/aws4_request", headers.get("authorization", ""))
    if not m:
        return None
    key, _, service = m.groups()
    body = entry.get("body") or ""
    if entry.get("body_encoded"):
        body = base64.b64decode(body)
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            body = ""
    params, action = {}, None
    target = headers.get("x-amz-target")
    ctype = headers.get("content-type", "")
    if target:
        action = target.split(".")[-1]
        params = json.loads(body) if body else {}
    elif "x-www-form-urlencoded" in ctype or "Action=" in body:
        params = {k: v[0] for k, v in parse_qs(body).items()}
        action = params.get("Action")
    else:
        path = urlparse(entry["url"]).path
        action = path.rstrip("/").split("/")[-1] or None
    return key, PREFIX.get(service, service), action, params


def arn(service, resource, account, region=REGION):
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def resources(prefix, action, p, account, role_path="/"):
    """The resources IAM evaluates the call against; ["*"] where the action takes no resource."""
    a = action
    if prefix == "iam":
        if a == "PassRole":
            return [p.get("RoleArn", "*")]
        if p.get("RoleName"):
            # IAM evaluates the role's ARN, path included: the request
            # names the path only when it creates the role.
            return [f"arn:aws:iam::{account}:role{p.get('Path', role_path)}{p['RoleName']}"]
        if p.get("PolicyArn"):
            return [p["PolicyArn"]]
        return ["*"]
    if prefix == "ssm":
        names = p.get("Names") or ([p["Name"]] if p.get("Name") else [])
        if p.get("Path"):
            names = [p["Path"]]
        if p.get("ResourceId"):
            names = [p["ResourceId"]]
        if names:
            return [arn("ssm", "parameter" + n, account) for n in names]
        return ["*"]
    if prefix == "secretsmanager":
        sid = p.get("SecretId")
        return [sid] if sid else ["*"]
    if prefix == "logs":
        g = p.get("logGroupName") or p.get("logGroupIdentifier")
        if p.get("resourceArn"):
            return [p["resourceArn"]]
        if g and not a.startswith("Describe"):
            return [arn("logs", f"log-group:{g}", account)]
        return ["*"]
    if prefix == "cloudwatch":
        if p.get("ResourceARN"):
            return [p["ResourceARN"]]
        if a in ("PutDashboard", "GetDashboard", "DeleteDashboards"):
            names = listed(p, "DashboardNames") or [p.get("DashboardName", "*")]
            return [f"arn:aws:cloudwatch::{account}:dashboard/{n}" for n in names]
        names = listed(p, "AlarmNames") or ([p["AlarmName"]] if p.get("AlarmName") else [])
        if not names and p.get("AlarmNamePrefix"):
            names = [p["AlarmNamePrefix"] + "*"]
        return [arn("cloudwatch", f"alarm:{n}", account) for n in names] or ["*"]
    if prefix == "kms":
        k = p.get("KeyId")
        return [k] if k and k.startswith("arn:") else ["*"]
    if prefix == "rds":
        if p.get("ResourceName"):
            return [p["ResourceName"]]
        if a == "CreateDBProxy":
            # No resource-level permissions (Service Authorization
            # Reference): IAM evaluates it on "*".
            return ["*"]
        if a == "DescribeDBClusters":
            c = p.get("DBClusterIdentifier")
            return [arn("rds", "cluster:" + c, account)] if c else [arn("rds", "cluster:*", account)]
        if a == "DescribeDBInstances":
            i = p.get("DBInstanceIdentifier")
            return [arn("rds", "db:" + i, account)] if i else [arn("rds", "db:*", account)]
        # RDS names proxies and target groups by generated IDs (prx-...,
        # prxtg-...), which no request carries: the account's.
        out = [arn("rds", "db-proxy:*", account)]
        if "Endpoint" in a:
            out.append(arn("rds", "db-proxy-endpoint:*", account))
        if "Target" in a:
            out.append(arn("rds", "target-group:*", account))
        if p.get("DBClusterIdentifiers.member.1"):
            out.append(arn("rds", "cluster:" + p["DBClusterIdentifiers.member.1"], account))
        return out
    if prefix == "ec2":
        if a.startswith("Describe"):
            return ["*"]
        out = []
        if p.get("GroupId"):
            out.append(arn("ec2", "security-group/" + p["GroupId"], account))
        if p.get("VpcId"):
            out += [arn("ec2", "vpc/" + p["VpcId"], account), arn("ec2", "security-group/*", account)]
        ids = [v for k, v in p.items() if k.startswith("ResourceId.") or k.startswith("SecurityGroupRuleId.")]
        for i in ids:
            kind = "security-group" if i.startswith("sg-") else "security-group-rule"
            out.append(arn("ec2", f"{kind}/{i}", account))
        return out or ["*"]
    return ["*"]


# The action that authorizes tags given with a create, by service.
TAG_ACTION = {"ec2": "ec2:CreateTags", "iam": "iam:TagRole", "rds": "rds:AddTagsToResource",
              "cloudwatch": "cloudwatch:TagResource", "ssm": "ssm:AddTagsToResource", "logs": "logs:TagResource"}


def tag_on_create(prefix, action, p):
    """The tagging action a create with tags also needs, or None."""
    creates = action.startswith(("Create", "Put", "Authorize"))
    tagged = any(k.startswith(("Tags.member.", "Tags.Tag.", "TagSpecification.")) for k in p) or bool(p.get("Tags")) or bool(p.get("tags"))
    if not (creates and tagged):
        return None
    return TAG_ACTION.get(prefix)


def listed(p, name):
    """The values of a list parameter, in the query (Name.member.N) or JSON form."""
    if isinstance(p.get(name), list):
        return p[name]
    keys = sorted((k for k in p if k.startswith(name + ".member.")), key=lambda k: int(k.rsplit(".", 1)[1]))
    return [p[k] for k in keys]


def conditions(prefix, action, p, ph):
    """The request context keys AWS sets for this call that the policies test."""
    ctx = {"aws:RequestedRegion": REGION}
    if prefix == "iam" and action == "PassRole":
        ctx["iam:PassedToService"] = "rds.amazonaws.com"
    if prefix == "iam" and p.get("PermissionsBoundary"):
        ctx["iam:PermissionsBoundary"] = p["PermissionsBoundary"]
    if prefix == "ec2" and ph.get("vpcArn"):
        # Every security group the program touches is in the stack's VPC.
        ctx["ec2:Vpc"] = ph["vpcArn"]
    for k, v in p.items():
        m = re.fullmatch(r"Tags\.(member|Tag)\.(\d+)\.Key", k)
        if m:
            ctx["aws:RequestTag/" + v] = p.get(f"Tags.{m.group(1)}.{m.group(2)}.Value", "")
    return ctx


def condition_holds(op, key, want, ctx):
    """One condition of a statement, as IAM evaluates it: a key the request
    does not carry fails it."""
    if key not in ctx:
        return False
    want = want if isinstance(want, list) else [want]
    got = ctx[key]
    if op in ("StringEquals", "ArnEquals"):
        return got in want
    if op in ("StringLike", "ArnLike"):
        return any(re.fullmatch(re.escape(w).replace(r"\*", ".*").replace(r"\?", "."), got) for w in want)
    raise ValueError(f"condition operator {op} is not evaluated here")


def allowed_by(policy, action, resource, ctx):
    """The Sid (or index) of the first statement that allows action on
    resource in the request context ctx, or None. moto's evaluator matches
    the action and the resource; the conditions are evaluated here, strictly
    (moto's skips what it does not know)."""
    for i, st in enumerate(policy.get("Statement", [])):
        if st.get("Effect") != "Allow":
            continue
        bare = {k: v for k, v in st.items() if k != "Condition"}
        if IAMPolicyStatement(bare).is_action_permitted(action, resource) != PermissionResult.PERMITTED:
            continue
        if all(condition_holds(op, key, want, ctx)
               for op, kv in (st.get("Condition") or {}).items() for key, want in kv.items()):
            return st.get("Sid") or f"#{i}"
    return None


def main():
    recording, key, account = sys.argv[1], sys.argv[2], sys.argv[3]
    phases = json.load(sys.stdin)
    with open(recording, "rb") as f:
        data = f.read()
    out, used = [], {}
    for ph in phases:
        calls = []
        for line in data[ph["from"]:ph["to"]].splitlines():
            if not line.strip():
                continue
            parsed = parse(json.loads(line))
            if not parsed or parsed[0] != key or not parsed[2]:
                continue
            _, prefix, action, params = parsed
            iam_action = f"{prefix}:{action}"
            # PassRole is what CreateDBProxy and ModifyDBProxy need on the
            # role they name, besides themselves.
            extra = []
            if prefix == "rds" and action in ("CreateDBProxy", "ModifyDBProxy") and params.get("RoleArn"):
                extra.append(("iam:PassRole", [params["RoleArn"]], {"iam:PassedToService": "rds.amazonaws.com"}))
            # Tagging on creation is authorized as the tagging action too, on
            # the resource created (EC2's CreateTags, IAM's TagRole, ...).
            tag = tag_on_create(prefix, action, params)
            if tag:
                # The created resource only, not the VPC a group is made in.
                created = [r for r in resources(prefix, action, params, account, ph.get("rolePath") or "/") if ":vpc/" not in r]
                if prefix == "rds":
                    created = [arn("rds", "db-proxy:*", account)]
                extra.append((tag, created, {}))
            # Secrets Manager calls KMS as the caller for a secret that a
            # customer-managed key encrypts (moto does not): reading needs
            # kms:Decrypt, writing kms:GenerateDataKey too.
            secret_key = (ph.get("secretKeys") or {}).get(params.get("SecretId", ""))
            if prefix == "secretsmanager" and secret_key and action in ("GetSecretValue", "PutSecretValue"):
                via = {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com",
                       "kms:EncryptionContext:SecretARN": params["SecretId"]}
                extra.append(("kms:Decrypt", [secret_key], via))
                if action == "PutSecretValue":
                    extra.append(("kms:GenerateDataKey", [secret_key], via))
            # Writing a secret encrypted with a customer-managed key: Secrets
            # Manager calls KMS as the caller.
            base = conditions(prefix, action, params, ph)
            for act, res, cond in [(iam_action, resources(prefix, action, params, account, ph.get("rolePath") or "/"), base)] + \
                    [(a, r, {**base, **c}) for a, r, c in extra]:
                for r in res:
                    call = {"action": act, "resource": r}
                    if ph.get("policy") is not None:
                        sid = allowed_by(ph["policy"], act, r, cond)
                        call["allowedBy"] = sid
                        if sid:
                            used.setdefault(ph["role"], set()).add(sid)
                    calls.append(call)
        out.append({"name": ph["name"], "role": ph.get("role"), "calls": calls})
    # A role's statements over every phase it ran: which no call used.
    sids = {}
    for ph in phases:
        if ph.get("policy") is not None:
            for i, st in enumerate(ph["policy"]["Statement"]):
                sids.setdefault(ph["role"], set()).add(st.get("Sid") or f"#{i}")
    unused = {role: sorted(s - used.get(role, set())) for role, s in sids.items()}
    json.dump({"phases": out, "unused": unused}, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
