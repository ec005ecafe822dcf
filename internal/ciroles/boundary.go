package ciroles

import (
	"encoding/json"
	"fmt"

	"github.com/acmecorp/rds-proxy/auroraproxy"
	"github.com/acmecorp/rds-proxy/internal/iampolicy"
	"github.com/acmecorp/rds-proxy/secrets"
)

// BoundaryPolicyName is the name docs/ci-setup.md gives the managed policy
// that is stack's proxy role's permissions boundary.
func BoundaryPolicyName(stack string) string { return "rds-proxy-boundary-" + stack }

// BoundaryFile is the file ProxyRoleBoundary is rendered to.
func BoundaryFile(stack string) string { return "proxy-role-boundary-" + stack + ".json" }

// ProxyRoleBoundary is the permissions boundary for the proxy role stack c
// creates: exactly what the role's own policy allows (reading c's secrets,
// and decrypting them with their keys through Secrets Manager only; the
// program's secrets.SecretReadPolicy). The boundary is the most c's deploy
// role can make of the role, whatever it writes into the role's policy or
// trust (it may recreate the role), so it names c's secrets and keys and
// nothing else: a boundary shared with another stack would let this
// stack's deploy job read that stack's secrets.
func ProxyRoleBoundary(c *auroraproxy.Config) (iampolicy.Document, error) {
	text, err := secrets.SecretReadPolicy(c.SecretArns(), c.SecretKmsKeyArns(), c.Region)
	if err != nil {
		return iampolicy.Document{}, fmt.Errorf("stack %s: %w", c.Env, err)
	}
	var doc iampolicy.Document
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return iampolicy.Document{}, fmt.Errorf("stack %s: read the secret-read policy: %w", c.Env, err)
	}
	return doc, nil
}
