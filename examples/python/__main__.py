"""Amazon RDS Proxy in front of an existing Aurora PostgreSQL cluster, from a
Python program: the application's security group is created here, and the
rds-proxy package's AuroraProxy component admits it.

The same program as examples/typescript/index.ts. It is neither type-checked
nor run in this repository's CI (README.md says why); only its syntax and the
names it uses are checked against the generated SDK.
"""

import pulumi
import pulumi_aws as aws

import acmecorp_rds_proxy as rds_proxy

config = pulumi.Config()
vpc_id = config.require("vpcId")

# The application's tasks: their security group's ID is known only once AWS
# has created it.
app = aws.ec2.SecurityGroup(
    "app",
    vpc_id=vpc_id,
    description="The application's tasks, clients of the proxy",
)

proxy = rds_proxy.AuroraProxy(
    "db",
    vpc_id=vpc_id,
    subnet_ids=config.require_object("subnetIds"),
    cluster_identifier=config.require("clusterIdentifier"),
    cluster_security_group_id=config.require("clusterSecurityGroupId"),
    secret_arn=config.require("secretArn"),
    instance_class=config.require("instanceClass"),
    # A list filled from another resource's output: the component resolves
    # it, and at preview, while the ID is unknown, it waits.
    app_security_group_ids=[app.id],
    # Client networks, from the stack's configuration.
    allowed_cidrs=config.get_object("allowedCidrs") or [],
    idle_client_timeout=config.get_int("idleClientTimeout") or 1800,
    tags={"Team": "platform"},
)

pulumi.export("appSecurityGroupId", app.id)
pulumi.export("proxyName", proxy.proxy_name)
pulumi.export("proxyEndpoint", proxy.proxy_endpoint)
pulumi.export("proxyPort", proxy.proxy_port)
pulumi.export("proxySecurityGroupId", proxy.proxy_security_group_id)
pulumi.export("endpointParameterName", proxy.endpoint_parameter_name)
pulumi.export("dashboardName", proxy.dashboard_name)
