package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"

	"github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	tfplugin "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/vendored/opentofu/plugin"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/vendored/tfplugin5"
)

// providerEnv names the environment variable that holds the full path of the
// terraform-provider-aws executable.
const providerEnv = "RDS_PROXY_TF_PROVIDER"

// mirrorDir is where the Terraform filesystem mirror keeps the provider.
const mirrorDir = "/opt/tf-plugins/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64"

// findProvider returns the path of the Terraform provider executable: the
// value of RDS_PROXY_TF_PROVIDER, or else the one in the default mirror.
func findProvider() (string, error) {
	if p := os.Getenv(providerEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", providerEnv, p, err)
		}
		return p, nil
	}
	matches, err := filepath.Glob(filepath.Join(mirrorDir, "terraform-provider-aws*"))
	if err != nil {
		return "", fmt.Errorf("search %s: %w", mirrorDir, err)
	}
	if len(matches) == 0 {
		return "", fmt.Errorf("no terraform-provider-aws in %s: set %s to the provider executable's full path",
			mirrorDir, providerEnv)
	}
	return matches[len(matches)-1], nil
}

// child is a running Terraform provider process.
type child struct {
	client  *plugin.Client
	cmd     *exec.Cmd
	release chan struct{} // closed to free the OS thread that started the process
	once    sync.Once
}

// startProvider starts the provider at path and returns its gRPC client.
//
// The process gets SIGKILL when the thread that started it dies (Pdeathsig),
// so that thread is locked and kept until Close; it also runs in a process
// group of its own, which Close kills.
func startProvider(path string) (*child, tfplugin5.ProviderClient, error) {
	cmd := exec.Command(path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	c := &child{cmd: cmd, release: make(chan struct{})}
	c.client = plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  tfplugin.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{5: {tfplugin.ProviderPluginName: conduit{}}},
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		Managed:          true,
		Logger:           providerLogger(),
	})

	type started struct {
		rpc plugin.ClientProtocol
		err error
	}
	result := make(chan started, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		rpc, err := c.client.Client()
		result <- started{rpc, err}
		<-c.release
	}()
	r := <-result
	if r.err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("start %s: %w", path, r.err)
	}
	raw, err := r.rpc.Dispense(tfplugin.ProviderPluginName)
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("dispense provider from %s: %w", path, err)
	}
	pc, ok := raw.(tfplugin5.ProviderClient)
	if !ok {
		c.Close()
		return nil, nil, errors.New("provider plugin did not speak protocol 5")
	}
	return c, pc, nil
}

// Close stops the provider process and its process group. It is safe to call
// more than once and from a signal handler.
func (c *child) Close() {
	c.once.Do(func() {
		c.client.Kill()
		if p := c.cmd.Process; p != nil {
			// The group may already be gone; nothing is left to do then.
			_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
		}
		close(c.release)
	})
}

// providerLogger logs the provider's own output to stderr, at the level in
// TF_LOG (warnings by default).
func providerLogger() hclog.Logger {
	level := hclog.LevelFromString(os.Getenv("TF_LOG"))
	if level == hclog.NoLevel {
		level = hclog.Warn
	}
	return hclog.New(&hclog.LoggerOptions{Name: "terraform-provider-aws", Output: os.Stderr, Level: level})
}

// conduit is the go-plugin plugin for protocol 5: it hands out a tfplugin5
// client on the connection go-plugin opened.
type conduit struct {
	plugin.NetRPCUnsupportedPlugin
}

// GRPCServer is never used: this side is only a client.
func (conduit) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error {
	return errors.New("conduit is a client only")
}

// GRPCClient returns the provider client on conn.
func (conduit) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (any, error) {
	return tfplugin5.NewProviderClient(conn), nil
}
