package tests

// Harness of the emulator test (e2e_test.go): finding its tools, the moto
// server, the Terraform runner and the emulator snapshot.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	// e2eEnvVar set to "require" turns a missing tool into a failure
	// instead of a skip (.ci/run sets it).
	e2eEnvVar = "RDS_PROXY_E2E"
	// mirrorEnvVar overrides where the Terraform provider mirror is.
	mirrorEnvVar = "RDS_PROXY_TF_MIRROR"
	// defaultMirror is the folder holding registry.terraform.io/... on the
	// machine image.
	defaultMirror = "/opt/tf-plugins"
	// providerVersion is the hashicorp/aws version the mirror holds; the
	// line pulumi-aws v6 bridges.
	providerVersion = "5.100.0"
	// region is the one region of the test.
	region = "us-east-1"
)

// e2eTools are the programs the emulator test needs.
type e2eTools struct {
	terraform string // path of the terraform binary
	mirror    string // folder holding registry.terraform.io/
	python    string // python3 with moto and boto3
}

// needTools returns the tools, or skips the test (fails it when
// RDS_PROXY_E2E=require) naming what is missing.
func needTools(t *testing.T) e2eTools {
	t.Helper()
	require := os.Getenv(e2eEnvVar) == "require"
	var missing []string
	var tools e2eTools
	var err error
	if tools.terraform, err = exec.LookPath("terraform"); err != nil {
		missing = append(missing, "terraform is not on PATH")
	}
	tools.mirror = os.Getenv(mirrorEnvVar)
	if tools.mirror == "" {
		tools.mirror = defaultMirror
	}
	provider := filepath.Join(tools.mirror, "registry.terraform.io", "hashicorp", "aws", providerVersion, "linux_amd64")
	if _, err := os.Stat(provider); err != nil { //nolint:gosec // only looks whether the mirror the developer names exists
		missing = append(missing, fmt.Sprintf("no hashicorp/aws %s provider mirror at %s (set %s to the folder holding registry.terraform.io)", providerVersion, provider, mirrorEnvVar))
	}
	if tools.python, err = exec.LookPath("python3"); err != nil {
		missing = append(missing, "python3 is not on PATH")
	} else if out, err := exec.Command(tools.python, "-c", "import moto.server, boto3").CombinedOutput(); err != nil { //nolint:gosec // python3 found on PATH, fixed arguments
		missing = append(missing, "python3 cannot import moto.server and boto3 (pip install 'moto[server]'): "+strings.TrimSpace(lastLines(string(out), 2)))
	}
	if len(missing) == 0 {
		return tools
	}
	msg := "emulator test needs terraform, the provider mirror and moto: " + strings.Join(missing, "; ")
	if require {
		t.Fatalf("%s (%s=require)", msg, e2eEnvVar)
	}
	t.Skip(msg)
	return tools
}

// timings records how long each step of the cycle takes.
type timings struct {
	start time.Time
	steps []string
	last  time.Time
}

func newTimings() *timings {
	now := time.Now()
	return &timings{start: now, last: now}
}

// step ends the current step under name and logs its duration.
func (tm *timings) step(t *testing.T, name string) {
	t.Helper()
	now := time.Now()
	line := fmt.Sprintf("%-48s %6.1fs", name, now.Sub(tm.last).Seconds())
	tm.steps = append(tm.steps, line)
	tm.last = now
	t.Logf("step done: %s", line)
}

func (tm *timings) summary() string {
	return strings.Join(tm.steps, "\n") + fmt.Sprintf("\n%-48s %6.1fs", "total", time.Since(tm.start).Seconds())
}

// processGroup starts cmd in its own process group, so that it and every
// child it starts can be stopped together.
func processGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
}

// moto is a running moto server.
type moto struct {
	url string
	log string
}

// startMoto starts moto on 127.0.0.1 and a free port and stops its process
// group when the test ends, whatever happens.
func startMoto(t *testing.T, python string) *moto {
	t.Helper()
	port := freePort(t)
	logPath := filepath.Join(t.TempDir(), "moto.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port)) //nolint:gosec // python3 found on PATH, fixed arguments
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		t.Fatalf("start moto: %v", err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		// The whole group: moto and anything it started.
		_ = syscall.Kill(-pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-exited
		}
		_ = logFile.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logPath); err == nil {
				t.Logf("moto log (last lines):\n%s", lastLines(string(b), 40))
			}
		}
	})

	m := &moto{url: "http://127.0.0.1:" + strconv.Itoa(port), log: logPath}
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			b, _ := os.ReadFile(logPath)
			t.Fatalf("moto exited before it answered: %v\n%s", waitErr, lastLines(string(b), 20))
		default:
		}
		resp, err := client.Get(m.url + "/moto-api/")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Logf("moto %s (pid %d) is up", m.url, pid)
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto did not answer on %s within 30s: %v", m.url, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer func() { _ = l.Close() }()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listener address %v is not TCP", l.Addr())
	}
	return addr.Port
}

// awsEnv is the environment of every process that talks to the emulator:
// the inherited one without any AWS or Terraform setting (but TF_LOG and
// TF_LOG_PATH, for debugging), plus fake credentials, so that nothing can
// reach a real account.
func awsEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		debug := strings.HasPrefix(kv, "TF_LOG=") || strings.HasPrefix(kv, "TF_LOG_PATH=")
		if strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "TF_") && !debug {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"AWS_ACCESS_KEY_ID=testing",
		"AWS_SECRET_ACCESS_KEY=testing",
		"AWS_DEFAULT_REGION="+region,
		"AWS_REGION="+region,
		"AWS_CONFIG_FILE="+os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true",
	)
	return append(env, extra...)
}

// terraformCLI runs terraform in one working directory, offline.
type terraformCLI struct {
	bin string
	dir string
	env []string
}

// newTerraform prepares dir for terraform: a CLI config that installs
// hashicorp/aws from the mirror only, and the provider pointed at moto.
func newTerraform(t *testing.T, tools e2eTools, endpoint, dir string) *terraformCLI {
	t.Helper()
	cliConfig := filepath.Join(t.TempDir(), "terraform.rc")
	rc := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`, tools.mirror)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "provider.tf.json"), providerConfig(t, endpoint), 0o600); err != nil {
		t.Fatal(err)
	}
	return &terraformCLI{
		bin: tools.terraform,
		dir: dir,
		env: awsEnv("TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"),
	}
}

// providerConfig is the provider block and version pin, as Terraform JSON.
func providerConfig(t *testing.T, endpoint string) []byte {
	t.Helper()
	endpoints := map[string]string{}
	for _, svc := range []string{"ec2", "iam", "rds", "ssm", "secretsmanager", "sts", "kms", "cloudwatch", "logs"} {
		endpoints[svc] = endpoint
	}
	cfg := map[string]any{
		"terraform": map[string]any{
			"required_providers": map[string]any{
				"aws": map[string]any{"source": "hashicorp/aws", "version": providerVersion},
			},
		},
		"provider": map[string]any{
			"aws": map[string]any{
				"region":                      region,
				"access_key":                  "testing",
				"secret_key":                  "testing",
				"skip_credentials_validation": true,
				"skip_metadata_api_check":     true,
				"skip_region_validation":      true,
				// The provider asks STS (moto, on loopback) for the account
				// ID, as pulumi-aws does. Without it the provider believes
				// every security group belongs to another account and
				// reads referenced_security_group_id back as
				// "<account>/sg-...": a diff on every rule after apply that
				// is an artefact of the harness, not of the program.
				"skip_requesting_account_id": false,
				// moto answers unimplemented calls with HTTP 500, which the
				// provider would otherwise retry for minutes.
				"max_retries": 1,
				"endpoints":   []any{endpoints},
			},
		},
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tfError is a failed terraform command.
type tfError struct {
	args   []string
	code   int
	stderr string
	stdout string
}

func (e *tfError) Error() string {
	return fmt.Sprintf("terraform %s: exit %d\n%s\n%s", strings.Join(e.args, " "), e.code,
		lastLines(e.stderr, 60), lastLines(e.stdout, 20))
}

// run runs terraform with args and returns its exit code and stdout; a
// failure to run, or an exit code not in okCodes (default 0), is an error.
func (tf *terraformCLI) run(ctx context.Context, args []string, okCodes ...int) (int, string, error) {
	if len(okCodes) == 0 {
		okCodes = []int{0}
	}
	cmd := exec.CommandContext(ctx, tf.bin, args...) //nolint:gosec // terraform found on PATH, arguments from the test
	cmd.Dir = tf.dir
	cmd.Env = tf.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	processGroup(cmd)
	err := cmd.Run()
	code := 0
	if err != nil {
		var exit *exec.ExitError
		if ctx.Err() != nil {
			return -1, stdout.String(), fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), ctx.Err(), lastLines(stderr.String(), 40))
		}
		if !errors.As(err, &exit) {
			return -1, stdout.String(), fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, lastLines(stderr.String(), 40))
		}
		code = exit.ExitCode()
	}
	for _, ok := range okCodes {
		if code == ok {
			return code, stdout.String(), nil
		}
	}
	return code, stdout.String(), &tfError{args: args, code: code, stderr: stderr.String(), stdout: stdout.String()}
}

// must runs terraform and fails the test on any error.
func (tf *terraformCLI) must(ctx context.Context, t *testing.T, args ...string) string {
	t.Helper()
	_, out, err := tf.run(ctx, append(args, "-no-color"))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// init runs terraform init against the mirror.
func (tf *terraformCLI) init(ctx context.Context, t *testing.T) {
	t.Helper()
	tf.must(ctx, t, "init", "-input=false")
}

// outputs returns `terraform output -json` values.
func (tf *terraformCLI) outputs(ctx context.Context, t *testing.T) map[string]any {
	t.Helper()
	var raw map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(tf.must(ctx, t, "output", "-json")), &raw); err != nil {
		t.Fatalf("read terraform outputs: %v", err)
	}
	out := make(map[string]any, len(raw))
	for k, v := range raw {
		out[k] = v.Value
	}
	return out
}

// state returns the attribute values of every resource in the state, by
// address.
func (tf *terraformCLI) state(ctx context.Context, t *testing.T) map[string]map[string]any {
	t.Helper()
	var raw struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(tf.must(ctx, t, "show", "-json")), &raw); err != nil {
		t.Fatalf("read terraform state: %v", err)
	}
	out := map[string]map[string]any{}
	for _, r := range raw.Values.RootModule.Resources {
		out[r.Address] = r.Values
	}
	return out
}

// snapshot is what the emulator holds, read through the AWS APIs by
// testdata/e2e/snapshot.py.
type snapshot struct {
	Proxies []struct {
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
			AuthScheme  string `json:"AuthScheme"`
			SecretArn   string `json:"SecretArn"`
			IAMAuth     string `json:"IAMAuth"`
			Description string `json:"Description"`
		} `json:"Auth"`
		TargetGroups []struct {
			TargetGroupName      string `json:"TargetGroupName"`
			IsDefault            bool   `json:"IsDefault"`
			ConnectionPoolConfig struct {
				MaxConnectionsPercent     int    `json:"MaxConnectionsPercent"`
				MaxIdleConnectionsPercent int    `json:"MaxIdleConnectionsPercent"`
				ConnectionBorrowTimeout   int    `json:"ConnectionBorrowTimeout"`
				InitQuery                 string `json:"InitQuery"`
			} `json:"ConnectionPoolConfig"`
		} `json:"TargetGroups"`
		Targets []struct {
			RdsResourceID    string `json:"RdsResourceId"`
			Type             string `json:"Type"`
			TargetArn        string `json:"TargetArn"`
			TrackedClusterID string `json:"TrackedClusterId"`
		} `json:"Targets"`
	} `json:"proxies"`
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
	SecurityGroupRules []struct {
		SecurityGroupRuleID string `json:"SecurityGroupRuleId"`
		GroupID             string `json:"GroupId"`
		IsEgress            bool   `json:"IsEgress"`
		IPProtocol          string `json:"IpProtocol"`
		FromPort            int    `json:"FromPort"`
		ToPort              int    `json:"ToPort"`
		CidrIpv4            string `json:"CidrIpv4"`
		CidrIpv6            string `json:"CidrIpv6"`
		Description         string `json:"Description"`
		ReferencedGroupInfo *struct {
			GroupID string `json:"GroupId"`
		} `json:"ReferencedGroupInfo"`
	} `json:"securityGroupRules"`
	Roles []struct {
		RoleName                 string         `json:"RoleName"`
		Arn                      string         `json:"Arn"`
		AssumeRolePolicyDocument any            `json:"AssumeRolePolicyDocument"`
		Policies                 map[string]any `json:"Policies"`
	} `json:"roles"`
	Alarms []struct {
		AlarmName  string  `json:"AlarmName"`
		MetricName string  `json:"MetricName"`
		Namespace  string  `json:"Namespace"`
		Threshold  float64 `json:"Threshold"`
		Dimensions []struct {
			Name  string `json:"Name"`
			Value string `json:"Value"`
		} `json:"Dimensions"`
		Metrics []struct {
			ID         string `json:"Id"`
			Expression string `json:"Expression"`
		} `json:"Metrics"`
	} `json:"alarms"`
	Dashboards []struct {
		DashboardName string `json:"DashboardName"`
	} `json:"dashboards"`
	LogGroups []struct {
		LogGroupName    string `json:"logGroupName"`
		RetentionInDays int    `json:"retentionInDays"`
	} `json:"logGroups"`
	Secrets []struct {
		ARN          string `json:"ARN"`
		Name         string `json:"Name"`
		SecretString string `json:"SecretString"`
	} `json:"secrets"`
}

// takeSnapshot reads the emulator's state through the AWS APIs.
func takeSnapshot(ctx context.Context, t *testing.T, tools e2eTools, endpoint string) *snapshot {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("testdata", "e2e", "snapshot.py"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, tools.python, script, endpoint) //nolint:gosec // python3 found on PATH, the test's own script
	cmd.Env = awsEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	processGroup(cmd)
	if err := cmd.Run(); err != nil {
		t.Fatalf("inspect the emulator: %v\n%s", err, lastLines(stderr.String(), 30))
	}
	var s snapshot
	if err := json.Unmarshal(stdout.Bytes(), &s); err != nil {
		t.Fatalf("read the emulator snapshot: %v", err)
	}
	return &s
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
