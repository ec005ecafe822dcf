// Package stackfile reads a Pulumi project's stack files the way the
// Pulumi CLI hands them to a program: Pulumi.yaml and Pulumi.<stack>.yaml,
// with the SDK's own workspace loader, the project's defaults applied, and
// secure values left encrypted. The offline plan (internal/plan), the
// verify and CI-roles commands and the tests read stacks with it.
package stackfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// Config is what a program reads as its stack configuration.
type Config struct {
	// Project is the Pulumi project name.
	Project string
	// Stack is the stack name.
	Stack string
	// Values maps "namespace:key" to the value as Pulumi passes it to a
	// program: lists and objects as JSON text.
	Values map[string]string
	// SecretKeys lists the keys whose values are secret.
	SecretKeys []string
}

// applyProjectConfig does what the Pulumi CLI does with Pulumi.yaml's config
// section: a project key the stack does not set takes its default, and a
// key of another namespace takes its value.
func applyProjectConfig(proj *workspace.Project, values map[string]string) error {
	names := make([]string, 0, len(proj.Config))
	for name := range proj.Config {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t := proj.Config[name]
		key, fallback := proj.Name.String()+":"+name, t.Default
		if strings.Contains(name, ":") {
			key, fallback = name, t.Value
		}
		if _, set := values[key]; set || fallback == nil {
			continue
		}
		if s, ok := fallback.(string); ok {
			values[key] = s
			continue
		}
		b, err := json.Marshal(fallback)
		if err != nil {
			return fmt.Errorf("project default of %s: %w", key, err)
		}
		values[key] = string(b)
	}
	return nil
}

// Load reads Pulumi.yaml in projectDir and Pulumi.<stack>.yaml beside it
// with the Pulumi SDK's own workspace loader. Keys in the project's namespace
// must be declared in Pulumi.yaml's config section, so that a misspelt key
// is an error rather than a silently ignored setting. Secure values are
// replaced with a placeholder: no secrets are decrypted offline.
func Load(projectDir, stack string) (Config, error) {
	proj, err := workspace.LoadProject(filepath.Join(projectDir, "Pulumi.yaml"))
	if err != nil {
		return Config{}, fmt.Errorf("load project: %w", err)
	}
	path := filepath.Join(projectDir, "Pulumi."+stack+".yaml")
	if _, err := os.Stat(path); err != nil {
		return Config{}, fmt.Errorf("load stack %s: %w", stack, err)
	}
	ps, err := workspace.LoadProjectStack(nil, proj, path)
	if err != nil {
		return Config{}, fmt.Errorf("load stack %s: %w", stack, err)
	}
	values, err := ps.Config.Decrypt(config.NewBlindingDecrypter())
	if err != nil {
		return Config{}, fmt.Errorf("read stack %s config: %w", stack, err)
	}

	cfg := Config{Project: proj.Name.String(), Stack: stack, Values: map[string]string{}}
	var undeclared []string
	for k, v := range values {
		full := k.String()
		cfg.Values[full] = v
		if ps.Config[k].Secure() {
			cfg.SecretKeys = append(cfg.SecretKeys, full)
		}
		if k.Namespace() == cfg.Project {
			if _, ok := proj.Config[k.Name()]; !ok {
				undeclared = append(undeclared, full)
			}
		}
	}
	sort.Strings(cfg.SecretKeys)
	if err := applyProjectConfig(proj, cfg.Values); err != nil {
		return Config{}, err
	}
	if len(undeclared) > 0 {
		sort.Strings(undeclared)
		return Config{}, errors.New("stack " + stack + " sets keys that Pulumi.yaml does not declare (misspelt?): " + strings.Join(undeclared, ", "))
	}
	return cfg, nil
}
