package e2e

// What the emulator holds: the fixture the program runs against, and
// snapshots read through the AWS APIs.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

// cluster is an Aurora PostgreSQL cluster of the emulator, with its
// security group and the secret of its credentials (testdata/fixture.py's
// create_cluster).
type cluster struct {
	ClusterIdentifier string `json:"clusterIdentifier"`
	ClusterEndpoint   string `json:"clusterEndpoint"`
	AuroraSGID        string `json:"auroraSgId"`
	SecretArn         string `json:"secretArn"`
	SecretString      string `json:"secretString"`
}

// fixture is the infrastructure that exists before the program runs,
// created by testdata/fixture.py: its cluster, and the rest.
type fixture struct {
	cluster
	VpcID            string            `json:"vpcId"`
	SubnetIDs        []string          `json:"subnetIds"`
	SubnetAZs        map[string]string `json:"subnetAzs"`
	OtherVpcSubnetID string            `json:"otherVpcSubnetId"`
	// UnsupportedZoneSubnetID is a subnet in a zone where RDS Proxy does
	// not run.
	UnsupportedZoneSubnetID string `json:"unsupportedZoneSubnetId"`
	// AppSGIDs are the client security groups: App Runner's, then the
	// ECS tasks'.
	AppSGIDs []string `json:"appSgIds"`
	// ReportingSecretArn is a second database user's secret, encrypted
	// with KmsKeyArn.
	ReportingSecretArn string `json:"reportingSecretArn"`
	KmsKeyArn          string `json:"kmsKeyArn"`
	// BoundaryPolicyArn is a managed policy to use as a permissions
	// boundary.
	BoundaryPolicyArn string `json:"boundaryPolicyArn"`
	// ExistingRoleArn is a role, under a path, for roleArn.
	ExistingRoleArn string `json:"existingRoleArn"`
	InstanceClass   string `json:"instanceClass"`
	LogGroupName    string `json:"logGroupName"`
}

// python runs one of testdata's scripts against the emulator and returns
// its standard output.
func python(ctx context.Context, t *testing.T, tl tools, m *moto, script string, args ...string) []byte {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("testdata", script))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, tl.python, append([]string{path, m.url}, args...)...) //nolint:gosec // python3 from PATH, the test's own script
	cmd.Env = envList(fakeAWSEnv())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, lastLines(stderr.String(), 30))
	}
	return stdout.Bytes()
}

// createFixture creates the fixture in the emulator; logGroup, when set, is
// a log group that exists before the program runs.
func createFixture(ctx context.Context, t *testing.T, tl tools, m *moto, logGroup string) fixture {
	t.Helper()
	var fx fixture
	if err := json.Unmarshal(python(ctx, t, tl, m, "fixture.py", logGroup), &fx); err != nil {
		t.Fatalf("read the fixture: %v", err)
	}
	return fx
}

// createCluster creates another Aurora cluster, name, in the first two
// subnets of the fixture's VPC, with its own security group and secret.
func createCluster(ctx context.Context, t *testing.T, tl tools, m *moto, fx fixture, name string) cluster {
	t.Helper()
	var c cluster
	args := append([]string{"--cluster", name, fx.VpcID}, fx.SubnetIDs[:2]...)
	if err := json.Unmarshal(python(ctx, t, tl, m, "fixture.py", args...), &c); err != nil {
		t.Fatalf("read the cluster %s: %v", name, err)
	}
	return c
}

// snapshot is what the emulator holds, read by testdata/snapshot.py.
type snapshot struct {
	Proxies    []proxySnap `json:"proxies"`
	Parameters []struct {
		Name        string `json:"Name"`
		Type        string `json:"Type"`
		Value       string `json:"Value"`
		Description string `json:"Description"`
	} `json:"parameters"`
	SecurityGroups []struct {
		GroupID   string `json:"GroupId"`
		GroupName string `json:"GroupName"`
		VpcID     string `json:"VpcId"`
	} `json:"securityGroups"`
	SecurityGroupRules []rule `json:"securityGroupRules"`
	Roles              []struct {
		RoleName            string         `json:"RoleName"`
		Arn                 string         `json:"Arn"`
		Path                string         `json:"Path"`
		PermissionsBoundary string         `json:"PermissionsBoundary"`
		Policies            map[string]any `json:"Policies"`
	} `json:"roles"`
	Alarms []struct {
		AlarmName  string `json:"AlarmName"`
		MetricName string `json:"MetricName"`
		Dimensions []struct {
			Name  string `json:"Name"`
			Value string `json:"Value"`
		} `json:"Dimensions"`
	} `json:"alarms"`
	Dashboards []struct {
		DashboardName string `json:"DashboardName"`
	} `json:"dashboards"`
	LogGroups []struct {
		LogGroupName    string `json:"logGroupName"`
		RetentionInDays int    `json:"retentionInDays"`
		KmsKeyID        string `json:"kmsKeyId"`
	} `json:"logGroups"`
	Secrets []struct {
		ARN          string   `json:"ARN"`
		Name         string   `json:"Name"`
		SecretString string   `json:"SecretString"`
		VersionIDs   []string `json:"VersionIds"`
	} `json:"secrets"`
}

// proxySnap is a proxy with its target groups and targets.
type proxySnap struct {
	DBProxyName         string   `json:"DBProxyName"`
	EngineFamily        string   `json:"EngineFamily"`
	RequireTLS          bool     `json:"RequireTLS"`
	IdleClientTimeout   int      `json:"IdleClientTimeout"`
	DebugLogging        bool     `json:"DebugLogging"`
	RoleArn             string   `json:"RoleArn"`
	Endpoint            string   `json:"Endpoint"`
	VpcID               string   `json:"VpcId"`
	VpcSubnetIDs        []string `json:"VpcSubnetIds"`
	VpcSecurityGroupIDs []string `json:"VpcSecurityGroupIds"`
	Auth                []struct {
		AuthScheme string `json:"AuthScheme"`
		SecretArn  string `json:"SecretArn"`
		IAMAuth    string `json:"IAMAuth"`
	} `json:"Auth"`
	TargetGroups []struct {
		TargetGroupName      string `json:"TargetGroupName"`
		IsDefault            bool   `json:"IsDefault"`
		ConnectionPoolConfig struct {
			MaxConnectionsPercent     int `json:"MaxConnectionsPercent"`
			MaxIdleConnectionsPercent int `json:"MaxIdleConnectionsPercent"`
			ConnectionBorrowTimeout   int `json:"ConnectionBorrowTimeout"`
		} `json:"ConnectionPoolConfig"`
	} `json:"TargetGroups"`
	Targets []struct {
		RdsResourceID string `json:"RdsResourceId"`
		Type          string `json:"Type"`
	} `json:"Targets"`
}

// takeSnapshot reads the emulator's state through the AWS APIs.
func takeSnapshot(ctx context.Context, t *testing.T, tl tools, m *moto) *snapshot {
	t.Helper()
	var s snapshot
	if err := json.Unmarshal(python(ctx, t, tl, m, "snapshot.py"), &s); err != nil {
		t.Fatalf("read the emulator snapshot: %v", err)
	}
	return &s
}

// inventory names everything of each kind the snapshot holds, sorted: what
// a destroy must leave or remove.
func (s *snapshot) inventory() map[string][]string {
	m := map[string][]string{}
	add := func(kind, name string) { m[kind] = append(m[kind], name) }
	for _, x := range s.Proxies {
		add("proxies", x.DBProxyName)
		for _, tg := range x.TargetGroups {
			add("target groups", x.DBProxyName+"/"+tg.TargetGroupName)
		}
		for _, tgt := range x.Targets {
			add("targets", x.DBProxyName+"/"+tgt.RdsResourceID)
		}
	}
	for _, x := range s.Parameters {
		add("parameters", x.Name)
	}
	// Groups and rules by name: a group created again gets a new ID.
	names := map[string]string{}
	for _, x := range s.SecurityGroups {
		names[x.GroupID] = x.GroupName
		add("security groups", x.GroupName)
	}
	for _, x := range s.SecurityGroupRules {
		x.GroupID = names[x.GroupID]
		if x.ReferencedGroupInfo != nil {
			ref := *x.ReferencedGroupInfo
			ref.GroupID = names[ref.GroupID]
			x.ReferencedGroupInfo = &ref
		}
		add("security group rules", x.key())
	}
	for _, x := range s.Roles {
		add("roles", x.RoleName)
		for name := range x.Policies {
			add("role policies", x.RoleName+"/"+name)
		}
	}
	for _, x := range s.Alarms {
		add("alarms", x.AlarmName)
	}
	for _, x := range s.Dashboards {
		add("dashboards", x.DashboardName)
	}
	for _, x := range s.LogGroups {
		add("log groups", x.LogGroupName)
	}
	for _, x := range s.Secrets {
		add("secrets", x.Name)
	}
	for k := range m {
		sort.Strings(m[k])
	}
	return m
}

// rule is a security group rule as DescribeSecurityGroupRules returns it.
type rule struct {
	SecurityGroupRuleID string `json:"SecurityGroupRuleId"`
	GroupID             string `json:"GroupId"`
	IsEgress            bool   `json:"IsEgress"`
	IPProtocol          string `json:"IpProtocol"`
	FromPort            int    `json:"FromPort"`
	ToPort              int    `json:"ToPort"`
	CidrIpv4            string `json:"CidrIpv4"`
	Description         string `json:"Description"`
	ReferencedGroupInfo *struct {
		GroupID string `json:"GroupId"`
	} `json:"ReferencedGroupInfo"`
}

// key identifies a rule by what it allows, not by its ID.
func (r rule) key() string {
	dir, src := "ingress", "cidr4="+r.CidrIpv4
	if r.IsEgress {
		dir = "egress"
	}
	if r.ReferencedGroupInfo != nil {
		src = "sg=" + r.ReferencedGroupInfo.GroupID
	}
	return fmt.Sprintf("%s %s %s %d-%d %s", r.GroupID, dir, r.IPProtocol, r.FromPort, r.ToPort, src)
}

// withoutLogGroup returns the snapshot without the log group name.
func (s *snapshot) withoutLogGroup(name string) *snapshot {
	c := *s
	c.LogGroups = nil
	for _, g := range s.LogGroups {
		if g.LogGroupName != name {
			c.LogGroups = append(c.LogGroups, g)
		}
	}
	return &c
}

// count is how many things the inventory holds.
func (s *snapshot) count() int {
	n := 0
	for _, names := range s.inventory() {
		n += len(names)
	}
	return n
}

// sameInventory fails unless two snapshots hold the same things; what
// names the moment each was taken.
func sameInventory(t *testing.T, what string, want, got *snapshot) {
	t.Helper()
	w, g := want.inventory(), got.inventory()
	kinds := map[string]bool{}
	for k := range w {
		kinds[k] = true
	}
	for k := range g {
		kinds[k] = true
	}
	for k := range kinds {
		if !reflect.DeepEqual(w[k], g[k]) {
			t.Errorf("%s: the emulator holds %s %v, want %v", what, k, g[k], w[k])
		}
	}
}
