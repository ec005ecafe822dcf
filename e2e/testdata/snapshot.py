"""Print, as JSON, what the AWS emulator holds that the emulator test checks.

Usage: python3 snapshot.py ENDPOINT_URL

Reads through the ordinary AWS APIs (boto3), never through moto internals:
every RDS proxy with its target groups and targets, every SSM parameter with
its value, every security group and security group rule, every IAM role with
its inline policies, every CloudWatch alarm, dashboard and log group, and
every Secrets Manager secret with its current value and the IDs of all its
versions, deprecated ones included. Credentials and region come from the environment
the test sets (fake credentials, us-east-1).
"""

import json
import sys

import boto3


def main():
    endpoint = sys.argv[1]
    session = boto3.session.Session()

    def client(name):
        return session.client(name, endpoint_url=endpoint)

    rds, ssm, ec2, iam = client("rds"), client("ssm"), client("ec2"), client("iam")
    cloudwatch, logs = client("cloudwatch"), client("logs")
    secretsmanager = client("secretsmanager")

    proxies = []
    for p in rds.describe_db_proxies()["DBProxies"]:
        name = p["DBProxyName"]
        p["TargetGroups"] = rds.describe_db_proxy_target_groups(DBProxyName=name)["TargetGroups"]
        p["Targets"] = rds.describe_db_proxy_targets(DBProxyName=name)["Targets"]
        proxies.append(p)

    parameters = []
    for page in ssm.get_paginator("describe_parameters").paginate():
        for meta in page["Parameters"]:
            value = ssm.get_parameter(Name=meta["Name"], WithDecryption=True)["Parameter"]
            parameters.append({"Name": meta["Name"], "Type": value["Type"], "Value": value["Value"],
                               "Description": meta.get("Description", "")})

    roles = []
    for page in iam.get_paginator("list_roles").paginate():
        for role in page["Roles"]:
            name = role["RoleName"]
            policies = {}
            for pname in iam.list_role_policies(RoleName=name)["PolicyNames"]:
                doc = iam.get_role_policy(RoleName=name, PolicyName=pname)["PolicyDocument"]
                policies[pname] = doc
            full = iam.get_role(RoleName=name)["Role"]
            roles.append({"RoleName": name, "Arn": role["Arn"], "Path": role.get("Path", ""),
                          "PermissionsBoundary": full.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn", ""),
                          "AssumeRolePolicyDocument": role.get("AssumeRolePolicyDocument"),
                          "Policies": policies})

    secrets = []
    for page in secretsmanager.get_paginator("list_secrets").paginate():
        for meta in page["SecretList"]:
            value = secretsmanager.get_secret_value(SecretId=meta["ARN"])
            versions = secretsmanager.list_secret_version_ids(SecretId=meta["ARN"], IncludeDeprecated=True)["Versions"]
            secrets.append({"ARN": meta["ARN"], "Name": meta["Name"], "SecretString": value.get("SecretString", ""),
                            "VersionIds": sorted(v["VersionId"] for v in versions)})

    snapshot = {
        "proxies": proxies,
        "parameters": parameters,
        "securityGroups": ec2.describe_security_groups()["SecurityGroups"],
        "securityGroupRules": ec2.describe_security_group_rules()["SecurityGroupRules"],
        "roles": roles,
        "alarms": cloudwatch.describe_alarms()["MetricAlarms"],
        "dashboards": cloudwatch.list_dashboards()["DashboardEntries"],
        "logGroups": logs.describe_log_groups()["logGroups"],
        "secrets": secrets,
    }
    json.dump(snapshot, sys.stdout, default=str, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
