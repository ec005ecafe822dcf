// Package twoclusters is an example Pulumi program that uses the
// AuroraProxy component as a library: one AuroraProxy in front of each
// Aurora PostgreSQL cluster its configuration lists (two in the sample
// stack file), all in one stack and one VPC, reachable from one client
// security group the program creates. Command two-clusters (the folder
// above) runs Program with pulumi.Run; the engine cycle runs it as an
// Automation API inline program.
//
// Its configuration is its own, in its project's namespace (two-clusters:),
// read into Config and validated before anything is registered: every
// problem at once, the example's own rules and each cluster's AuroraProxy
// rules, each naming the key as the stack file spells it.
package twoclusters

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/acmecorp/rds-proxy/auroraproxy"
)

// The keys of the configuration, in the project's namespace.
const (
	KeyVpcID       = "vpcId"
	KeyClientCidrs = "clientCidrs"
	KeyClusters    = "clusters"
)

// Config is the program's configuration.
type Config struct {
	// VpcID is the VPC both clusters live in: the clients' security group
	// and every proxy are created in it.
	VpcID string
	// ClientCidrs are client networks allowed into every proxy besides the
	// clients' security group; optional.
	ClientCidrs []string
	// Clusters are the Aurora clusters, one AuroraProxy each.
	Clusters []Cluster
}

// Cluster is one entry of the clusters key: an Aurora PostgreSQL cluster
// and what its proxy needs.
type Cluster struct {
	// Name names the cluster's proxy: its AuroraProxy is named so, and its
	// env is <stack>-<name>, so that every physical name of the proxy
	// (<org>-<stack>-<name>-rds-proxy…) differs from the other clusters'.
	Name string `json:"name"`
	// ClusterIdentifier is the Aurora cluster's identifier.
	ClusterIdentifier string `json:"clusterIdentifier"`
	// SubnetIDs are the proxy's subnets, in at least two Availability
	// Zones of the VPC.
	SubnetIDs []string `json:"subnetIds"`
	// ClusterSecurityGroupID is the cluster's security group: it gets the
	// rule that admits the proxy.
	ClusterSecurityGroupID string `json:"clusterSecurityGroupId"`
	// SecretArn is the full ARN of the secret with the database
	// credentials the proxy uses.
	SecretArn string `json:"secretArn"`
	// InstanceClass is the instance class of the cluster's writer, for its
	// default max_connections.
	InstanceClass string `json:"instanceClass"`
	// MaxConnectionsPercent caps the proxy's backend connections, as a
	// percentage of the writer's max_connections; the component's default
	// when left out.
	MaxConnectionsPercent *int `json:"maxConnectionsPercent,omitempty"`
	// Protect makes `pulumi destroy` refuse this proxy's resources; the
	// component's default (false, as env is never prod) when left out.
	Protect *bool `json:"protect,omitempty"`
}

// ConfigError is every problem of a configuration.
type ConfigError struct {
	// Problems are sorted by key.
	Problems []auroraproxy.Problem
}

// Error lists every problem on its own line.
func (e *ConfigError) Error() string {
	return "invalid two-clusters configuration " + auroraproxy.List(e.Problems)
}

// clusterName is what a cluster's name must be: it becomes part of every
// physical name of its proxy.
var clusterName = regexp.MustCompile(`^[a-z](?:-?[a-z0-9])*$`)

// maxClusterName bounds a cluster's name, leaving room in the proxy's
// names for the org and the stack.
const maxClusterName = 20

// validName reports whether name may name a cluster's proxy.
func validName(name string) bool { return clusterName.MatchString(name) && len(name) <= maxClusterName }

// Load reads the configuration and validates it, each cluster's
// AuroraProxy arguments included (auroraproxy.Resolve and Validate, which
// register nothing): every problem at once, as a *ConfigError.
func Load(ctx *pulumi.Context) (*Config, error) {
	c, problems := read(config.New(ctx, ""))
	problems = append(problems, own(c)...)
	for i := range c.Clusters {
		ps, err := componentProblems(ctx, c, i)
		if err != nil {
			return nil, err
		}
		problems = append(problems, ps...)
	}
	problems = dedupe(problems)
	if len(problems) > 0 {
		auroraproxy.SortProblems(problems)
		return nil, &ConfigError{Problems: problems}
	}
	return c, nil
}

// asGiven is a Problem's Value for a structured value that cannot be read.
const asGiven = "(as given)"

// read reads the keys, strictly: a value that is not of its key's shape,
// and a field an entry of clusters does not have (a typo), are problems.
func read(cfg *config.Config) (*Config, []auroraproxy.Problem) {
	c := &Config{}
	var problems []auroraproxy.Problem
	bad := func(key, value, rule string) {
		problems = append(problems, auroraproxy.Problem{Key: key, Value: value, Rule: rule})
	}
	c.VpcID = cfg.Get(KeyVpcID)
	if c.VpcID == "" {
		bad(KeyVpcID, auroraproxy.NotSet, "must be the VPC ID of the clusters")
	}
	if raw := cfg.Get(KeyClientCidrs); raw != "" {
		if err := decode(raw, &c.ClientCidrs); err != nil {
			bad(KeyClientCidrs, asGiven, "must be a list of CIDR blocks: "+err.Error())
		}
	}
	raw, err := cfg.Try(KeyClusters)
	switch {
	case errors.Is(err, config.ErrMissingVar):
		bad(KeyClusters, auroraproxy.NotSet, "must list the Aurora clusters, one object each")
	case err != nil:
		bad(KeyClusters, auroraproxy.NotSet, "cannot be read: "+err.Error())
	default:
		if err := decode(raw, &c.Clusters); err != nil {
			bad(KeyClusters, asGiven, "must be a list of objects with the fields of README.md: "+err.Error())
		}
	}
	return c, problems
}

// decode unmarshals the JSON the engine holds for a structured key into
// v, refusing a field v does not have.
func decode(raw string, v any) error {
	d := json.NewDecoder(bytes.NewReader([]byte(raw)))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

// own checks the rules of this program: at least one cluster, each named
// well, no name and no cluster twice. The rest is the AuroraProxy's.
func own(c *Config) []auroraproxy.Problem {
	var problems []auroraproxy.Problem
	bad := func(key, value, rule string) {
		problems = append(problems, auroraproxy.Problem{Key: key, Value: value, Rule: rule})
	}
	if c.Clusters != nil && len(c.Clusters) == 0 {
		bad(KeyClusters, "[]", "must list at least one Aurora cluster")
	}
	names, ids := map[string]bool{}, map[string]bool{}
	for i, e := range c.Clusters {
		switch {
		case e.Name == "":
			bad(entryKey(i, "name"), auroraproxy.NotSet, "must name the cluster's proxy")
		case !validName(e.Name):
			bad(entryKey(i, "name"), strconv.Quote(e.Name), fmt.Sprintf(
				"must be at most %d lowercase letters, digits and single hyphens, a letter first: it is part of every name of the proxy", maxClusterName))
		case names[e.Name]:
			bad(entryKey(i, "name"), strconv.Quote(e.Name), "is listed twice: two proxies would claim the same names")
		}
		names[e.Name] = true
		if e.ClusterIdentifier != "" && ids[e.ClusterIdentifier] {
			bad(entryKey(i, "clusterIdentifier"), strconv.Quote(e.ClusterIdentifier), "is listed twice: one proxy per cluster")
		}
		ids[e.ClusterIdentifier] = true
	}
	return problems
}

// entryKey is the key of field of the entry i of clusters.
func entryKey(i int, field string) string {
	return KeyClusters + "[" + strconv.Itoa(i) + "]." + field
}

// dedupe drops repeated problems (a top-level key's, reported by every
// cluster's AuroraProxy), keeping the first.
func dedupe(ps []auroraproxy.Problem) []auroraproxy.Problem {
	seen := map[auroraproxy.Problem]bool{}
	var out []auroraproxy.Problem
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
