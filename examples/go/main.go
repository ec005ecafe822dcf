// Command two-clusters is an example Pulumi program that puts an
// AuroraProxy in front of each Aurora cluster its configuration lists; the
// program itself lives in package twoclusters.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/examples/go/twoclusters"
)

func main() { pulumi.Run(twoclusters.Program) }
