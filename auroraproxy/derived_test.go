package auroraproxy

import "testing"

// TestEndpointNameOf: an additional endpoint's name in AWS carries the
// stack's prefix, once.
func TestEndpointNameOf(t *testing.T) {
	c := &Config{Org: "acmecorp", Env: "prod"}
	cases := []struct {
		name, configured, want string
	}{
		{"a name without the prefix gets it", "reporting", "acmecorp-prod-reporting"},
		{"a name with the prefix keeps it as it is", "acmecorp-prod-reporting", "acmecorp-prod-reporting"},
		{"another stack's prefix is not this stack's", "acmecorp-qa-reporting", "acmecorp-prod-acmecorp-qa-reporting"},
		{"the org alone is not the prefix", "acmecorp-reporting", "acmecorp-prod-acmecorp-reporting"},
		{"the prefix without its hyphen is not the prefix", "acmecorp-prodreporting", "acmecorp-prod-acmecorp-prodreporting"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.EndpointNameOf(tc.configured); got != tc.want {
				t.Errorf("EndpointNameOf(%q) = %q, want %q", tc.configured, got, tc.want)
			}
		})
	}
}
