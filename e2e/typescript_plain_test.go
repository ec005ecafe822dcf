package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acmecorp/rds-proxy/auroraproxy"
)

// plainFromOutput is a JavaScript program, which no type checker stops,
// that passes an output where the component takes a plain value.
const plainFromOutput = `const aws = require("@pulumi/aws");
const pulumi = require("@pulumi/pulumi");
const rdsproxy = require(%q);
module.exports = async () => {
    const config = new pulumi.Config();
    const app = new aws.ec2.SecurityGroup("app", { vpcId: config.require("vpcId"), description: "clients" });
    new rdsproxy.AuroraProxy("db", {
        vpcId: config.require("vpcId"),
        subnetIds: config.requireObject("subnetIds"),
        clusterIdentifier: app.id.apply(() => config.require("clusterIdentifier")),
        clusterSecurityGroupId: config.require("clusterSecurityGroupId"),
        secretArn: config.require("secretArn"),
        instanceClass: config.require("instanceClass"),
    });
};
`

// testPlainFromOutput: the types refuse an output for a plain input
// (TestTypeScriptTypeCheck); a caller past them (JavaScript) gets a
// preview refused by the component, naming the input.
func testPlainFromOutput(ctx context.Context, t *testing.T, d *tsDriver, m *moto, fx fixture) {
	path := filepath.Join(d.p.dir, "bin", "plain-from-output.js")
	if err := os.WriteFile(path, []byte(fmt.Sprintf(plainFromOutput, d.p.sdkName)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := d.runErr(ctx, t, "preview", tsStack+"-plain", tsConfig(m, fx), path)
	if err == nil {
		t.Fatal("the preview with clusterIdentifier from an output succeeded")
	}
	if w := "the input clusterIdentifier of " + auroraproxy.Type + " takes a plain value"; !strings.Contains(err.Error(), w) {
		t.Fatalf("the preview failed, but without %q: %v", w, err)
	}
	t.Logf("refused: %s", lineWith(err.Error(), "clusterIdentifier"))
}

// lineWith is the first line of s that holds sub, or s's first line.
func lineWith(s, sub string) string {
	lines := strings.Split(s, "\n")
	for _, l := range lines {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(l)
		}
	}
	return lines[0]
}
