"""Change, in the AWS emulator, what the verify command and the cutover read.

Usage:
  python3 aws.py ENDPOINT_URL put-secret ARN VALUE
      writes VALUE as a new current version of the secret, as a person or a
      rotation function would (the verify command must then fail).
  python3 aws.py ENDPOINT_URL put-pending-secret ARN VALUE
      writes VALUE as a version labelled AWSPENDING only, as a rotation
      function's createSecret step does (a rotation in progress), and prints
      the new version's ID.
  python3 aws.py ENDPOINT_URL remove-pending ARN VERSION_ID
      removes the AWSPENDING label from that version, as an operator does
      after aws secretsmanager cancel-rotate-secret.
  python3 aws.py ENDPOINT_URL put-parameter NAME VALUE
      overwrites a String parameter, as a person would by hand.
  python3 aws.py ENDPOINT_URL set-pool PROXY_NAME MAX MAX_IDLE BORROW_TIMEOUT
      sets the default target group's pool, as a person would by hand.
  python3 aws.py ENDPOINT_URL publish-metrics PROXY_NAME CLUSTER
      publishes one datapoint for each dimension set RDS publishes for a
      proxy that has had client connections and for an Aurora cluster
      (moto's RDS publishes no metric): AWS's documented sets, with the
      values CloudWatch uses (TargetRole READWRITE and READ_ONLY, Role
      WRITER), not the program's.

Through the ordinary AWS APIs (boto3). Credentials and region come from the
environment the test sets (fake credentials, us-east-1).
"""

import sys

import boto3


def main():
    endpoint, action = sys.argv[1], sys.argv[2]
    session = boto3.session.Session()
    if action == "put-secret":
        arn, value = sys.argv[3], sys.argv[4]
        session.client("secretsmanager", endpoint_url=endpoint).put_secret_value(SecretId=arn, SecretString=value)
        return
    if action == "put-pending-secret":
        arn, value = sys.argv[3], sys.argv[4]
        out = session.client("secretsmanager", endpoint_url=endpoint).put_secret_value(
            SecretId=arn, SecretString=value, VersionStages=["AWSPENDING"])
        print(out["VersionId"])
        return
    if action == "remove-pending":
        arn, version = sys.argv[3], sys.argv[4]
        session.client("secretsmanager", endpoint_url=endpoint).update_secret_version_stage(
            SecretId=arn, VersionStage="AWSPENDING", RemoveFromVersionId=version)
        return
    if action == "put-parameter":
        name, value = sys.argv[3], sys.argv[4]
        session.client("ssm", endpoint_url=endpoint).put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
        return
    if action == "set-pool":
        proxy, most, idle, borrow = sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
        session.client("rds", endpoint_url=endpoint).modify_db_proxy_target_group(
            DBProxyName=proxy,
            TargetGroupName="default",
            ConnectionPoolConfig={
                "MaxConnectionsPercent": most,
                "MaxIdleConnectionsPercent": idle,
                "ConnectionBorrowTimeout": borrow,
            },
        )
        return
    if action == "publish-metrics":
        proxy, cluster = sys.argv[3], sys.argv[4]
        # https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.monitoring.html
        # https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html
        sets = {
            "AWS/RDS": [
                {"ProxyName": proxy},
                {"ProxyName": proxy, "EndpointName": "default"},
                {"ProxyName": proxy, "TargetGroup": "default", "TargetRole": "READWRITE"},
                {"ProxyName": proxy, "TargetGroup": "default", "TargetRole": "READ_ONLY"},
                {"ProxyName": proxy, "TargetGroup": "default", "Target": "db:" + cluster + "-writer"},
                {"DBClusterIdentifier": cluster},
                {"DBClusterIdentifier": cluster, "Role": "WRITER"},
            ],
        }
        cw = session.client("cloudwatch", endpoint_url=endpoint)
        for namespace, dimension_sets in sets.items():
            data = [
                {
                    "MetricName": "ClientConnections",
                    "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                    "Value": 1,
                }
                for dims in dimension_sets
            ]
            cw.put_metric_data(Namespace=namespace, MetricData=data)
        return
    sys.exit("unknown action " + action)


if __name__ == "__main__":
    main()
