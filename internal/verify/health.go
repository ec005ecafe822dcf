package verify

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// The health of a proxy's targets, as DescribeDBProxyTargets reports it
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_TargetHealth.html):
// a State (REGISTERING, AVAILABLE, UNAVAILABLE, UNUSED) and, when it is not
// AVAILABLE, a Reason and a Description. The lifecycle AWS gives is
// registering > unavailable > available > unavailable > available, so an
// UNAVAILABLE target is waited for, not failed at once; the remedy for its
// last reason is given when the wait times out.

// troubleshooting is AWS's troubleshooting page for RDS Proxy, which each
// remedy follows.
const troubleshooting = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.troubleshooting.html"

// events is the command that lists the proxy's recent events.
func events(proxyName string) string {
	return "aws rds describe-events --source-type db-proxy --source-identifier " + proxyName
}

// registeringRemedy is what to do about a target still REGISTERING when the
// wait ends. AWS gives registering as the first state of a target's
// lifecycle and no reason for it (TargetHealth): registration takes a few
// minutes after the target is registered or the proxy created.
func registeringRemedy(want Expected) string {
	return "the proxy is still registering the target, which usually takes a few minutes after `pulumi up` " +
		"registered it or created the proxy: wait and run verify again (with a longer -timeout). If it stays " +
		"REGISTERING, check that the cluster and each of its instances are available (aws rds describe-db-clusters " +
		"--db-cluster-identifier " + want.ClusterIdentifier + "), that the proxy is available (the proxy status " +
		"check), and read the proxy's events (" + events(want.ProxyName) + ")"
}

// remedyFor is what to check first for a reason a target is UNAVAILABLE;
// ok is false for a reason AWS added after this program.
func remedyFor(reason types.TargetHealthReason, want Expected) (text string, ok bool) {
	switch reason {
	case types.TargetHealthReasonAuthFailure:
		return "the proxy reached the database but could not log in with a secret's credentials: " +
			"each secret must hold \"username\" and \"password\" of a database user that can log in with that password now " +
			"(a password changed in the database but not in the secret fails), and the proxy's role must be able to read " +
			"it (secretsmanager:GetSecretValue, and kms:Decrypt with a customer-managed key). The database must also accept " +
			"the password's scheme: a user whose password is stored as SCRAM-SHA-256 cannot be logged in with MD5, and the " +
			"reverse; check password_encryption and the user's stored password. The proxy's log group (with debugLogging) " +
			"names the user", true
	case types.TargetHealthReasonConnectionFailed:
		return "the proxy could not open a connection to the database: the Aurora security " +
			"group must admit the proxy security group on dbPort and the proxy security group must allow egress to it (the " +
			"stack creates both rules: check that nothing removed them), dbPort must be the cluster's port, and the " +
			"instance must accept connections (available, below max_connections)", true
	case types.TargetHealthReasonUnreachable:
		return "the proxy cannot reach the database's endpoint: check the two security group " +
			"rules between the proxy and Aurora on dbPort, the network ACLs of the proxy's subnets, and that the instance " +
			"is available", true
	case types.TargetHealthReasonPendingProxyCapacity:
		// AWS: retry once the proxy has completed its scaling operation
		// (troubleshooting); it sizes its capacity by the size and number
		// of the instances registered with it, and reports
		// RDS-EVENT-0243 when its subnets lack the addresses to add any.
		return "the proxy is still provisioning its capacity, usually for some minutes after it is created, a target " +
			"is registered or the cluster changes size: wait and run verify again (with a longer -timeout). If it lasts: " +
			"RDS Proxy sizes its capacity by the size of the instances registered with it, and an Aurora Serverless v2 " +
			"instance (db.serverless) at a low minimum capacity (ServerlessV2ScalingConfiguration MinCapacity, 0.5 ACU) is " +
			"a small one: raise the cluster's minimum ACUs. And read the proxy's events (" + events(want.ProxyName) +
			"): RDS-EVENT-0243 says it could not provision capacity because its subnets lack free IP addresses (the " +
			"subnets free addresses check below)", true
	case types.TargetHealthReasonInvalidReplicationState:
		return "the instance is not in a replication state the proxy can use " +
			"(a reader being created, replaced or lagging): wait until the cluster's instances are available", true
	case types.TargetHealthReasonPromoted:
		return "the instance was promoted (a failover made it the writer): the proxy follows the " +
			"new topology within minutes; run verify again", true
	}
	return "", false
}

// describeProxy reads the proxy; found is false when AWS has none of that
// name.
func describeProxy(ctx context.Context, c RDS, name string) (types.DBProxy, bool, error) {
	out, err := c.DescribeDBProxies(ctx, &rds.DescribeDBProxiesInput{DBProxyName: aws.String(name)})
	var notFound *types.DBProxyNotFoundFault
	if errors.As(err, &notFound) {
		return types.DBProxy{}, false, nil
	}
	if err != nil {
		return types.DBProxy{}, false, fmt.Errorf("describe proxy %s: %w", name, err)
	}
	for _, p := range out.DBProxies {
		if aws.ToString(p.DBProxyName) == name {
			return p, true, nil
		}
	}
	return types.DBProxy{}, false, nil
}

// describeTargets reads every target of the proxy's target group, page by
// page.
func describeTargets(ctx context.Context, c RDS, want Expected) ([]types.DBProxyTarget, error) {
	var targets []types.DBProxyTarget
	in := &rds.DescribeDBProxyTargetsInput{DBProxyName: aws.String(want.ProxyName), TargetGroupName: aws.String(want.TargetGroupName)}
	for {
		out, err := c.DescribeDBProxyTargets(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("describe the targets of proxy %s: %w", want.ProxyName, err)
		}
		targets = append(targets, out.Targets...)
		if aws.ToString(out.Marker) == "" {
			return targets, nil
		}
		in.Marker = out.Marker
	}
}

// health is one reading of the targets: a line per target that reports a
// health, whether all of them are usable, and what to do if not.
type health struct {
	lines  []string
	ready  bool
	remedy string
}

// judge reads the targets' health. Only targets that report a TargetHealth
// are judged: with Aurora, AWS lists the cluster itself (TRACKED_CLUSTER)
// beside its instances (RDS_INSTANCE), and the instances carry the health.
// The targets are ready when at least one reports a health, every one is
// AVAILABLE (or UNUSED: no endpoint routes to it), and, when instances are
// listed, one of them is the writer (Role READ_WRITE).
func judge(targets []types.DBProxyTarget, want Expected) health {
	var (
		h           = health{ready: true}
		judged      int
		instance    bool
		writer      bool
		registering bool
		reasons     = map[types.TargetHealthReason]bool{}
	)
	for _, t := range targets {
		if t.Type == types.TargetTypeRdsInstance {
			instance = true
			if t.Role == types.TargetRoleReadWrite {
				writer = true
			}
		}
		if t.TargetHealth == nil {
			continue
		}
		judged++
		th := t.TargetHealth
		line := fmt.Sprintf("%s (%s", aws.ToString(t.RdsResourceId), t.Type)
		if t.Role != "" {
			line += ", " + string(t.Role)
		}
		line += ") " + string(th.State)
		if th.Reason != "" {
			line += " " + string(th.Reason)
		}
		if d := aws.ToString(th.Description); d != "" {
			line += ": " + d
		}
		h.lines = append(h.lines, line)
		switch th.State {
		case types.TargetStateAvailable, types.TargetStateUnused:
		default:
			h.ready = false
			if th.Reason != "" {
				reasons[th.Reason] = true
			}
			if th.State == types.TargetStateRegistering {
				registering = true
			}
		}
	}
	sort.Strings(h.lines)
	var why []string
	for r := range reasons {
		why = append(why, string(r))
	}
	sort.Strings(why)
	var remedy []string
	if registering {
		remedy = append(remedy, string(types.TargetStateRegistering)+": "+registeringRemedy(want))
	}
	for _, r := range why {
		text, ok := remedyFor(types.TargetHealthReason(r), want)
		if !ok {
			text = "a reason this program does not know: read its Description and " + troubleshooting
		}
		remedy = append(remedy, r+": "+text)
	}
	switch {
	case judged == 0:
		h.ready = false
		remedy = append(remedy, "no target reports its health yet: the registration of cluster targets is still in progress, "+
			"or the target group has none (the stack registers the cluster; `pulumi refresh` shows whether the target "+
			"still exists)")
	case instance && !writer:
		h.ready = false
		remedy = append(remedy, "no instance target is the writer (Role READ_WRITE): the cluster has no writer, or a failover "+
			"is in progress; wait for the cluster to be available")
	}
	h.remedy = strings.Join(remedy, "; ")
	return h
}

// waitForTargets reads the targets until they are ready or the timeout
// passes, reporting each change of their health as progress.
func waitForTargets(ctx context.Context, c RDS, want Expected, opts Options) ([]Check, error) {
	deadline := opts.Now().Add(opts.Timeout)
	var last string
	for {
		targets, err := describeTargets(ctx, c, want)
		if err != nil {
			return nil, err
		}
		h := judge(targets, want)
		detail := strings.Join(h.lines, "; ")
		if detail == "" {
			detail = "no target reports a health"
		}
		if h.ready {
			return []Check{{Name: "target health", Status: Pass, Detail: detail}}, nil
		}
		if detail != last {
			opts.Progress("waiting for the targets of " + want.ProxyName + ": " + detail)
			last = detail
		}
		if !opts.Now().Before(deadline) {
			return []Check{{
				Name:   "target health",
				Status: Fail,
				Detail: fmt.Sprintf("not available after %s: %s", opts.Timeout, detail),
				Remedy: h.remedy + " (" + troubleshooting + ")",
			}}, nil
		}
		if err := opts.Sleep(ctx, opts.Interval); err != nil {
			return nil, fmt.Errorf("wait for the targets of %s: %w", want.ProxyName, err)
		}
	}
}
