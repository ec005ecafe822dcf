"""Read the AWS calls moto recorded and, for each, the IAM action and resource.

Usage: python3 calls.py RECORDING ACCESS_KEY ACCOUNT < PHASES_JSON

RECORDING is the file moto's recorder appends to (MOTO_ENABLE_RECORDING):
one JSON object a line, each request's method, url, headers and body.
PHASES_JSON lists phases, each {"name", "from", "to", "role", "policy",
"rolePath", "secretKeys", "vpcArn", "tags", "untaggedGroups",
"boundaryKeyActions"}: the byte span of the recording one engine operation
wrote, the CI role that runs it and its permission policy (every statement
of the role's policies, or null), the path of the role the program
creates, the customer-managed key of each secret the configuration names
one for, the stack's VPC, the tags the program puts on what it creates, the
security groups the configuration names (which the program did not create
and does not tag), and the IAM actions that take the iam:PermissionsBoundary
key. Only requests signed with ACCESS_KEY (the engine's provider, not the
fixture or the snapshots) count.

Prints, as JSON, for each phase every call: the IAM action, the resources
it acts on (ARNs as IAM evaluates them, in ACCOUNT), and, when the phase has
a policy, the Sid of the statement that allows it (null: denied). Then the
Sids of each policy that no call used.

Actions and resources are matched by moto's policy evaluator
(moto.iam.access_control), statement by statement; conditions are evaluated
here, with the request context keys AWS sets for each call and resource,
and a key the call does not carry fails its condition (but Null's):

- aws:RequestTag/<key>: the tags the request puts on what it creates.
- aws:ResourceTag/<key>: the tags of an existing resource the program
  created in the phase's stack (a proxy, an endpoint, a security group or a
  rule: all of a phase's are its stack's, tagged with "tags"); none for a
  resource the call creates, or a security group the configuration names.
- iam:PermissionsBoundary, for the actions that take it: the boundary in
  the request for CreateRole and PutRolePermissionsBoundary; for the others,
  the boundary attached to the role at the time of the call, followed
  through the whole recording (every CreateRole, PutRolePermissionsBoundary,
  DeleteRolePermissionsBoundary and DeleteRole before it, whoever signed it).
  moto's recording holds requests, not responses: a request IAM refused
  would still count.
- ec2:Vpc (the stack's VPC), ec2:CreateAction (for the tags of a create),
  iam:PassedToService, aws:RequestedRegion.
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
        # RDS names proxies, endpoints and target groups by generated IDs
        # (prx-..., prxtg-...), which no request carries: the account's, of
        # the resource types the Service Authorization Reference lists for
        # each action.
        proxy, endpoint, group = (arn("rds", t, account) for t in ("db-proxy:*", "db-proxy-endpoint:*", "target-group:*"))
        cluster = [arn("rds", "cluster:" + p["DBClusterIdentifiers.member.1"], account)] if p.get("DBClusterIdentifiers.member.1") else []
        by_action = {
            "ModifyDBProxyTargetGroup": [group],
            "RegisterDBProxyTargets": [group],
            "DeregisterDBProxyTargets": [proxy, group] + cluster,
            "DescribeDBProxyTargets": [proxy, group],
            "CreateDBProxyEndpoint": [proxy, endpoint],
            "ModifyDBProxyEndpoint": [endpoint],
            "DeleteDBProxyEndpoint": [endpoint],
            "DescribeDBProxyEndpoints": [proxy, endpoint],
        }
        return by_action.get(a, [proxy])
    if prefix == "ec2":
        if a.startswith("Describe"):
            return ["*"]
        out = []
        if p.get("GroupId"):
            out.append(arn("ec2", "security-group/" + p["GroupId"], account))
        if p.get("VpcId"):
            out += [arn("ec2", "vpc/" + p["VpcId"], account), arn("ec2", "security-group/*", account)]
        # Revoking rules is authorized on their group alone (Service
        # Authorization Reference); tagging and changing them on the rules.
        ids = [v for k, v in p.items() if k.startswith("ResourceId.")
               or re.fullmatch(r"SecurityGroupRule\.\d+\.SecurityGroupRuleId", k)]
        for i in ids:
            kind = "security-group" if i.startswith("sg-") else "security-group-rule"
            out.append(arn("ec2", f"{kind}/{i}", account))
        # A rule created with tags is authorized on the new rule too (only
        # then, per the Service Authorization Reference).
        if a.startswith("Authorize") and request_tags(p):
            out.append(arn("ec2", "security-group-rule/*", account))
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


def created_by(prefix, action, p, account, role_path):
    """The resources a create with tags creates, which its tagging action is
    authorized on."""
    if prefix == "rds":
        return [arn("rds", "db-proxy-endpoint:*" if "Endpoint" in action else "db-proxy:*", account)]
    if prefix == "ec2":
        return [arn("ec2", "security-group/*" if action == "CreateSecurityGroup" else "security-group-rule/*", account)]
    # The created resource only, not the VPC a group is made in.
    return [r for r in resources(prefix, action, p, account, role_path) if ":vpc/" not in r]


def request_tags(p):
    """The tags a request puts on what it creates, in the query forms
    (Tags.member.N, Tags.Tag.N, EC2's TagSpecification.N.Tag.M)."""
    tags = {}
    for k, v in p.items():
        m = re.fullmatch(r"(Tags\.(?:member|Tag)\.\d+|TagSpecification\.\d+\.Tag\.\d+)\.Key", k)
        if m:
            tags[v] = p.get(m.group(1) + ".Value", "")
    return tags


def listed(p, name):
    """The values of a list parameter, in the query (Name.member.N) or JSON form."""
    if isinstance(p.get(name), list):
        return p[name]
    keys = sorted((k for k in p if k.startswith(name + ".member.")), key=lambda k: int(k.rsplit(".", 1)[1]))
    return [p[k] for k in keys]


def conditions(prefix, action, p, ph, boundary):
    """The request context keys AWS sets for this call (all its resources)
    that the policies test; boundary is the one attached to the role the
    call names, or None."""
    ctx = {"aws:RequestedRegion": REGION}
    if prefix == "iam" and action == "PassRole":
        ctx["iam:PassedToService"] = "rds.amazonaws.com"
    if prefix == "iam" and f"iam:{action}" in (ph.get("boundaryKeyActions") or []):
        b = p.get("PermissionsBoundary") if action in ("CreateRole", "PutRolePermissionsBoundary") else boundary
        if b:
            ctx["iam:PermissionsBoundary"] = b
    if prefix == "ec2" and ph.get("vpcArn"):
        # Every security group the program touches is in the stack's VPC.
        ctx["ec2:Vpc"] = ph["vpcArn"]
    for k, v in request_tags(p).items():
        ctx["aws:RequestTag/" + k] = v
    return ctx


def resource_tags(prefix, action, r, ph):
    """aws:ResourceTag/<key> of resource r for this call: the stack's tags
    on an existing proxy, endpoint, security group or rule the program
    created; none on what the call creates or what the configuration
    names."""
    created = (action == "CreateDBProxyEndpoint" and ":db-proxy-endpoint:" in r) or r.endswith("/*") or r == "*"
    ours = (prefix == "rds" and (":db-proxy:" in r or ":db-proxy-endpoint:" in r)) or \
        (prefix == "ec2" and (":security-group-rule/" in r or
                              (":security-group/" in r and r.rsplit("/", 1)[1] not in (ph.get("untaggedGroups") or []))))
    if created or not ours:
        return {}
    return {"aws:ResourceTag/" + k: v for k, v in (ph.get("tags") or {}).items()}


def condition_holds(op, key, want, ctx):
    """One condition of a statement, as IAM evaluates it: a key the request
    does not carry fails it."""
    want = want if isinstance(want, list) else [want]
    if op == "Null":
        return (key not in ctx) == (want[0] == "true")
    if key not in ctx:
        return False
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


def requests(data, start=0, end=None):
    """The parsed requests of data[start:end], each with its byte offset."""
    end = len(data) if end is None else end
    pos = start
    for line in data[start:end].splitlines(keepends=True):
        offset, pos = pos, pos + len(line)
        if line.strip():
            parsed = parse(json.loads(line))
            if parsed and parsed[2]:
                yield offset, parsed


def role_boundaries(data):
    """For each IAM request on a role, by its offset, the boundary attached
    to that role just before it, following the whole recording."""
    current, before = {}, {}
    for offset, (_, prefix, action, p) in requests(data):
        name = p.get("RoleName")
        if prefix != "iam" or not name:
            continue
        before[offset] = current.get(name)
        if action in ("CreateRole", "PutRolePermissionsBoundary"):
            current[name] = p.get("PermissionsBoundary")
        elif action in ("DeleteRolePermissionsBoundary", "DeleteRole"):
            current.pop(name, None)
    return before


def main():
    recording, key, account = sys.argv[1], sys.argv[2], sys.argv[3]
    phases = json.load(sys.stdin)
    with open(recording, "rb") as f:
        data = f.read()
    boundaries = role_boundaries(data)
    out, used = [], {}
    for ph in phases:
        calls = []
        role_path = ph.get("rolePath") or "/"
        for offset, (signer, prefix, action, params) in requests(data, ph["from"], ph["to"]):
            if signer != key:
                continue
            iam_action = f"{prefix}:{action}"
            # PassRole is what CreateDBProxy and ModifyDBProxy need on the
            # role they name, besides themselves.
            extra = []
            if prefix == "rds" and action in ("CreateDBProxy", "ModifyDBProxy") and params.get("RoleArn"):
                extra.append(("iam:PassRole", [params["RoleArn"]], {"iam:PassedToService": "rds.amazonaws.com"}))
            # Tagging on creation is authorized as the tagging action too, on
            # the resource created (EC2's CreateTags with ec2:CreateAction,
            # IAM's TagRole, RDS's AddTagsToResource, ...).
            tag = tag_on_create(prefix, action, params)
            if tag:
                cond = {"ec2:CreateAction": action} if prefix == "ec2" else {}
                extra.append((tag, created_by(prefix, action, params, account, role_path), cond))
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
            base = conditions(prefix, action, params, ph, boundaries.get(offset))
            main_call = (iam_action, resources(prefix, action, params, account, role_path), base, False)
            for act, res, cond, is_extra in [main_call] + [(a, r, {**base, **c}, True) for a, r, c in extra]:
                for r in res:
                    call = {"action": act, "resource": r}
                    if ph.get("policy") is not None:
                        # What a create tags carries no tags yet.
                        tags = {} if is_extra and act == tag else resource_tags(prefix, action, r, ph)
                        sid = allowed_by(ph["policy"], act, r, {**cond, **tags})
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
