package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// requiredArgs are AuroraProxy inputs of the right types, in TypeScript,
// by name: what each type-check case starts from.
var requiredArgs = map[string]string{
	"vpcId":                  `"vpc-1"`,
	"subnetIds":              `["subnet-1", "subnet-2"]`,
	"clusterIdentifier":      `"e2e-aurora"`,
	"clusterSecurityGroupId": `"sg-1"`,
	"secretArn":              `"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"`,
	"instanceClass":          `"db.r6g.large"`,
}

// TestTypeScriptTypeCheck: examples/typescript type-checks (`tsc
// --noEmit`, strict) against @pulumi/pulumi and @pulumi/aws from npm and
// the Node.js SDK generated from the plugin's schema; and tsc refuses a
// wrong input type, so the check cannot pass whatever the example holds: a
// number for a list input, an output for a plain input. An output for a
// list input type-checks: the component resolves it (TestPackageTypeScript
// runs one through the engine).
func TestTypeScriptTypeCheck(t *testing.T) {
	st := needSDKTools(t, false, "node", "npm")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	p := newTSProject(ctx, t, st)
	start := time.Now()
	if err := p.typeCheck(ctx, t); err != nil {
		t.Fatalf("examples/typescript does not type-check: %v", err)
	}
	t.Logf("tsc --noEmit of the example: %.1fs", time.Since(start).Seconds())

	cases := []struct {
		name string
		prop string // the input set, or replaced
		ts   string // its value
		// wrong is set when tsc must refuse the value.
		wrong bool
	}{
		{"the required inputs alone type-check", "", "", false},
		{"a number for the list input subnetIds is refused", "subnetIds", `42`, true},
		{"a list of numbers for subnetIds is refused", "subnetIds", `[1, 2]`, true},
		{"an output for the plain input clusterIdentifier is refused", "clusterIdentifier", `pulumi.output("e2e-aurora")`, true},
		{"an output for the plain map input tags is refused", "tags", `pulumi.output({ Team: "platform" })`, true},
		{"a string for the integer input idleClientTimeout is refused", "idleClientTimeout", `"1800"`, true},
		{"an output for the list input appSecurityGroupIds type-checks", "appSecurityGroupIds", `pulumi.output(["sg-2"])`, false},
		{"a list of outputs for appSecurityGroupIds type-checks", "appSecurityGroupIds", `[pulumi.output("sg-2")]`, false},
	}
	// One tsc run over one file per case: each case's errors are those
	// in its own file.
	files := make([]string, len(cases))
	lines := make([]int, len(cases))
	for i, tc := range cases {
		files[i] = fmt.Sprintf("check%d.ts", i)
		var src string
		src, lines[i] = argsProgram(p.sdkName, tc.prop, tc.ts)
		if err := os.WriteFile(filepath.Join(p.dir, files[i]), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	start = time.Now()
	var out string
	if err := p.typeCheck(ctx, t, files...); err != nil {
		out = err.Error()
	}
	t.Logf("tsc --noEmit of %d cases: %.1fs", len(cases), time.Since(start).Seconds())
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := tscErrors(out, files[i])
			switch {
			case !tc.wrong && len(errs) > 0:
				t.Fatalf("tsc refused %s: %s: %s", tc.prop, tc.ts, strings.Join(errs, "\n"))
			case tc.wrong && len(errs) == 0:
				t.Fatalf("tsc accepted %s: %s, a wrong type", tc.prop, tc.ts)
			case tc.wrong:
				// The error is on the property's own line.
				if want := fmt.Sprintf("%s(%d,", files[i], lines[i]); !strings.HasPrefix(errs[0], want) {
					t.Fatalf("tsc failed, but not at %s (%s): %s", want, tc.prop, strings.Join(errs, "\n"))
				}
				t.Logf("tsc: %s", errs[0])
			}
		})
	}
}

// tscErrors are the lines of tsc's output (--pretty false) that report an
// error in file.
func tscErrors(out, file string) []string {
	var errs []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, file+"(") && strings.Contains(l, "error TS") {
			errs = append(errs, l)
		}
	}
	return errs
}

// argsProgram is a TypeScript module that creates an AuroraProxy with the
// required inputs and prop set to value, one property a line, and the
// line prop is on (0 for none).
func argsProgram(sdk, prop, value string) (string, int) {
	args := map[string]string{}
	for k, v := range requiredArgs {
		args[k] = v
	}
	if prop != "" {
		args[prop] = value
	}
	lines := []string{
		`import * as pulumi from "@pulumi/pulumi";`,
		fmt.Sprintf(`import * as rdsproxy from %q;`, sdk),
		`export const ignored = pulumi.output(0);`,
		`export const proxy = new rdsproxy.AuroraProxy("db", {`,
	}
	at := 0
	for _, k := range sortedKeys(args) {
		lines = append(lines, fmt.Sprintf("    %s: %s,", k, args[k]))
		if k == prop {
			at = len(lines)
		}
	}
	lines = append(lines, "});", "")
	return strings.Join(lines, "\n"), at
}
