package main

import (
	"fmt"
	"sync/atomic"
)

// Function tokens the program calls, and what an offline plan answers.
const (
	getSecretVersion  = "aws:secretsmanager/getSecretVersion:getSecretVersion"
	getSecretRotation = "aws:secretsmanager/getSecretRotation:getSecretRotation"
	getCluster        = "aws:rds/getCluster:getCluster"
)

// offlineCalls answers the program's lookups without AWS: values AWS would
// return become placeholders naming the lookup, and rotation is reported off.
// used records whether any lookup was answered, so the plan can say so.
type offlineCalls struct{ used atomic.Bool }

func (o *offlineCalls) answer(token string, args map[string]any) (map[string]any, error) {
	o.used.Store(true)
	switch token {
	case getSecretVersion:
		return map[string]any{
			"arn":          args["secretId"],
			"secretString": `{"host":"${` + getSecretVersion + `.secretString.host}"}`,
		}, nil
	case getSecretRotation:
		return map[string]any{"secretId": args["secretId"], "rotationEnabled": false}, nil
	case getCluster:
		return map[string]any{
			"clusterIdentifier": args["clusterIdentifier"],
			"endpoint":          "${" + getCluster + ".endpoint}",
		}, nil
	}
	return nil, fmt.Errorf("no offline answer for %s", token)
}

// note is printed beside a plan whose lookups were answered offline.
const note = "offline plan: the cutover's lookups (the application secret, its rotation, the cluster endpoint) " +
	"were answered with placeholders; the secret's shape and its rotation are checked by a real `pulumi preview`"
