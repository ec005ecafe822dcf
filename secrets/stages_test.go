package secrets

import "testing"

func TestPendingVersion(t *testing.T) {
	cases := []struct {
		name     string
		versions []Version
		want     string
	}{
		{"no rotation ever: one current version", []Version{{"v1", []string{"AWSCURRENT"}}}, ""},
		{"a finished rotation that left AWSPENDING on the current version",
			[]Version{{"v1", []string{"AWSPREVIOUS"}}, {"v2", []string{"AWSCURRENT", "AWSPENDING"}}}, ""},
		{"a finished rotation that left AWSPENDING on no version",
			[]Version{{"v1", []string{"AWSPREVIOUS"}}, {"v2", []string{"AWSCURRENT"}}}, ""},
		{"a rotation in progress: AWSPENDING on a version that is not current",
			[]Version{{"v1", []string{"AWSCURRENT"}}, {"v2", []string{"AWSPENDING"}}}, "v2"},
		{"a pending version with other labels of its own is still pending",
			[]Version{{"v1", []string{"AWSCURRENT"}}, {"v2", []string{"MYLABEL", "AWSPENDING"}}}, "v2"},
		{"a deprecated version (no labels) says nothing", []Version{{"v0", nil}, {"v1", []string{"AWSCURRENT"}}}, ""},
		{"listed on several versions, whatever the order: the smallest ID",
			[]Version{{"vb", []string{"AWSPENDING"}}, {"va", []string{"AWSPENDING"}}, {"vc", []string{"AWSCURRENT"}}}, "va"},
		{"labels are matched exactly", []Version{{"v1", []string{"AWSCURRENT"}}, {"v2", []string{"awspending", "AWSPENDING2"}}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := PendingVersion(tc.versions); got != tc.want {
				t.Errorf("PendingVersion = %q, want %q", got, tc.want)
			}
		})
	}
}
