// Amazon RDS Proxy in front of an existing Aurora PostgreSQL cluster, from a
// TypeScript program: the application's security group is created here, and
// the rds-proxy package's AuroraProxy component admits it.
//
// `pulumi up` runs the function this module exports; an Automation API
// driver can pass the same function as an inline program.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as rdsproxy from "@acmecorp/rds-proxy";

export = async () => {
    const config = new pulumi.Config();
    const vpcId = config.require("vpcId");

    // The application's tasks: their security group's ID is known only once
    // AWS has created it.
    const app = new aws.ec2.SecurityGroup("app", {
        vpcId,
        description: "The application's tasks, clients of the proxy",
    });

    const proxy = new rdsproxy.AuroraProxy("db", {
        vpcId,
        subnetIds: config.requireObject<string[]>("subnetIds"),
        clusterIdentifier: config.require("clusterIdentifier"),
        clusterSecurityGroupId: config.require("clusterSecurityGroupId"),
        secretArn: config.require("secretArn"),
        instanceClass: config.require("instanceClass"),
        // A list filled from another resource's output: the component
        // resolves it, and at preview, while the ID is unknown, it waits.
        appSecurityGroupIds: [app.id],
        // Client networks, from the stack's configuration.
        allowedCidrs: config.getObject<string[]>("allowedCidrs") ?? [],
        idleClientTimeout: config.getNumber("idleClientTimeout") ?? 1800,
        tags: { Team: "platform" },
    });

    return {
        appSecurityGroupId: app.id,
        proxyName: proxy.proxyName,
        proxyEndpoint: proxy.proxyEndpoint,
        proxyPort: proxy.proxyPort,
        proxySecurityGroupId: proxy.proxySecurityGroupId,
        endpointParameterName: proxy.endpointParameterName,
        dashboardName: proxy.dashboardName,
    };
};
