// Command rds-proxy is the Pulumi program that puts Amazon RDS Proxy in front
// of an existing Aurora PostgreSQL cluster. Run it with `pulumi up`; the
// program itself lives in package program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/acmecorp/rds-proxy/program"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		_, _, err := program.Run(ctx)
		return err
	})
}
