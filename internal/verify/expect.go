package verify

import (
	"fmt"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/monitoring"
	"github.com/acmecorp/rds-proxy/proxy"
)

// OutputProxyEndpoint is the stack output verify reads: the proxy's
// endpoint, which AWS chooses and only the stack knows.
const OutputProxyEndpoint = "proxyEndpoint"

// ExpectedOf is what stack's configuration cfg and its outputs say AWS
// should hold; alarms are the alarms the program registers for cfg.
func ExpectedOf(stack string, cfg *auroraproxy.Config, outputs map[string]any, alarms []monitoring.Alarm) (Expected, error) {
	endpoint, _ := outputs[OutputProxyEndpoint].(string)
	if endpoint == "" {
		return Expected{}, fmt.Errorf("stack %s has no output %s: run `pulumi up --stack %s` first", stack, OutputProxyEndpoint, stack)
	}
	want := Expected{
		Stack:                   stack,
		ProxyName:               cfg.ProxyName(),
		TargetGroupName:         proxy.DefaultTargetGroupName,
		ClusterIdentifier:       cfg.ClusterIdentifier,
		ProxyEndpoint:           endpoint,
		Port:                    proxy.Port,
		EndpointParameterName:   cfg.EndpointParameterName,
		RequireTLS:              cfg.RequireTLS,
		IdleClientTimeout:       cfg.IdleClientTimeout,
		DebugLogging:            cfg.DebugLogging,
		Pool:                    cfg.Pool,
		Cutover:                 cfg.Cutover,
		AppSecretArn:            cfg.AppSecretArn,
		DirectHostParameterName: cfg.DirectHostParameterName(),
		SubnetIDs:               cfg.SubnetIDs,
		AdditionalEndpoints:     len(cfg.Endpoints),
		UnsupportedZoneIDs:      auroraproxy.ProxyUnsupportedZoneIDs(),
	}
	if cfg.ReaderEndpoint {
		want.AdditionalEndpoints++
	}
	for _, s := range cfg.ProxySecrets() {
		want.Auths = append(want.Auths, proxy.Auth{SecretArn: s.Arn, IAMAuth: s.IAMAuth, ClientPasswordAuthType: s.ClientPasswordAuthType})
	}
	for _, a := range alarms {
		var ms []*monitoring.Metric
		if a.Metric != nil {
			ms = append(ms, a.Metric)
		}
		for _, q := range a.Queries {
			if q.Metric != nil {
				ms = append(ms, q.Metric)
			}
		}
		for _, m := range ms {
			f := MetricFilter{Alarm: a.Name, Metric: m.Name}
			for _, d := range m.Dimensions {
				f.Dimensions = append(f.Dimensions, monitoring.Dimension{Name: d.Name, Value: d.Value})
			}
			want.Metrics = append(want.Metrics, f)
		}
	}
	return want, nil
}
