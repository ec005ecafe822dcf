"""Create, in the AWS emulator, what exists before the rds-proxy program runs.

Usage: python3 fixture.py ENDPOINT_URL [LOG_GROUP]
       python3 fixture.py ENDPOINT_URL --cluster NAME VPC SUBNET SUBNET...

Prints the fixture's IDs as JSON. With --cluster it creates only another
Aurora cluster NAME, with its security group and its secret, in the
subnets of an existing VPC (what a program with several clusters runs
against), and prints its IDs. It creates, through the ordinary AWS APIs
(boto3), never through emulator internals:
- a VPC with three subnets in three Availability Zones (the third lets the
  engine cycle replace the proxy by changing its subnets);
- a subnet in us-east-1e, zone ID use1-az3, where RDS Proxy does not run
  (the placement check must refuse it);
- a second VPC with one subnet (the placement check must refuse it);
- the Aurora PostgreSQL cluster with its security group and one writer;
- the App Runner and the ECS tasks' security groups (prod lists both);
- the Secrets Manager secret with the database credentials, and a second
  one (another database user) encrypted with a customer-managed KMS key;
- the IAM policy that serves as a permissions boundary, and a role a stack
  can name with roleArn;
- the proxy's log group, which already exists on some accounts (the
  program adopts it with the adopt config key).
Credentials and region come from the environment the test sets (fake
credentials, us-east-1).
"""

import json
import sys

import boto3

CLUSTER = "e2e-aurora"
INSTANCE_CLASS = "db.r6g.large"


def create_cluster(ec2, rds, secretsmanager, name, secret_name, vpc, subnets):
    """Create the Aurora PostgreSQL cluster name with one writer, its security
    group and DB subnet group (both named name) in the subnets of vpc, and
    the secret secret_name with its credentials; return their IDs."""
    sg = ec2.create_security_group(GroupName=name, Description="Aurora PostgreSQL cluster", VpcId=vpc)["GroupId"]
    rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="Aurora", SubnetIds=subnets)
    cluster = rds.create_db_cluster(
        DBClusterIdentifier=name, Engine="aurora-postgresql", EngineVersion="15.4",
        DatabaseName="app", MasterUsername="app_admin", MasterUserPassword="e2e-Password-1234",
        Port=5432, DBSubnetGroupName=name, VpcSecurityGroupIds=[sg],
    )["DBCluster"]
    rds.create_db_instance(
        DBInstanceIdentifier=name + "-1", DBClusterIdentifier=name, Engine="aurora-postgresql",
        DBInstanceClass=INSTANCE_CLASS, DBSubnetGroupName=name,
    )
    # Compact JSON with sorted keys: the cutover must give back these bytes.
    secret_string = json.dumps({
        "dbname": "app", "engine": "postgres", "host": cluster["Endpoint"],
        "password": "e2e-Password-1234", "port": 5432, "username": "app_admin",
    }, separators=(",", ":"), sort_keys=True)
    secret = secretsmanager.create_secret(Name=secret_name, SecretString=secret_string)
    return {
        "clusterIdentifier": name,
        "clusterEndpoint": cluster["Endpoint"],
        "auroraSgId": sg,
        "secretArn": secret["ARN"],
        "secretString": secret_string,
    }


def main():
    endpoint = sys.argv[1]
    session = boto3.session.Session()

    def client(name):
        return session.client(name, endpoint_url=endpoint)

    if len(sys.argv) > 2 and sys.argv[2] == "--cluster":
        name, vpc, subnets = sys.argv[3], sys.argv[4], sys.argv[5:]
        json.dump(create_cluster(client("ec2"), client("rds"), client("secretsmanager"),
                                 name, f"e2e/{name}/app", vpc, subnets), sys.stdout, indent=1, sort_keys=True)
        return
    log_group = sys.argv[2] if len(sys.argv) > 2 else ""

    ec2, rds, iam, kms = client("ec2"), client("rds"), client("iam"), client("kms")
    secretsmanager, logs = client("secretsmanager"), client("logs")

    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnets, azs = [], {}
    for i, az in enumerate(["us-east-1a", "us-east-1b", "us-east-1c"], start=1):
        s = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.42.{i}.0/24", AvailabilityZone=az)["Subnet"]
        subnets.append(s["SubnetId"])
        azs[s["SubnetId"]] = az
    # us-east-1e is use1-az3 in moto's zone map (and AWS's own for some
    # accounts): a zone where RDS Proxy does not run.
    unsupported_zone_subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.9.0/24",
                                                AvailabilityZone="us-east-1e")["Subnet"]["SubnetId"]
    other_vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    other_subnet = ec2.create_subnet(VpcId=other_vpc, CidrBlock="10.77.1.0/24",
                                     AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]

    aurora = create_cluster(ec2, rds, secretsmanager, CLUSTER, "e2e/aurora/app", vpc, subnets[:2])
    app_sg = ec2.create_security_group(GroupName="e2e-apprunner", Description="App Runner VPC connector",
                                       VpcId=vpc)["GroupId"]
    ecs_sg = ec2.create_security_group(GroupName="e2e-ecs", Description="ECS tasks", VpcId=vpc)["GroupId"]

    key = kms.create_key(Description="e2e secrets and logs")["KeyMetadata"]["Arn"]
    reporting = secretsmanager.create_secret(
        Name="e2e/aurora/reporting", KmsKeyId=key,
        SecretString=json.dumps({"username": "reporting", "password": "e2e-Reporting-1234"}))
    boundary = iam.create_policy(PolicyName="e2e-rds-proxy-boundary", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "kms:Decrypt"], "Resource": "*"}],
    }))["Policy"]["Arn"]

    existing_role = iam.create_role(
        RoleName="e2e-existing-proxy-role", Path="/platform/",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
    )["Role"]["Arn"]

    if log_group:
        logs.create_log_group(logGroupName=log_group)

    json.dump({
        **aurora,
        "vpcId": vpc,
        "subnetIds": subnets,
        "subnetAzs": azs,
        "otherVpcSubnetId": other_subnet,
        "unsupportedZoneSubnetId": unsupported_zone_subnet,
        "appSgIds": [app_sg, ecs_sg],
        "reportingSecretArn": reporting["ARN"],
        "kmsKeyArn": key,
        "boundaryPolicyArn": boundary,
        "existingRoleArn": existing_role,
        "instanceClass": INSTANCE_CLASS,
        "logGroupName": log_group,
    }, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
