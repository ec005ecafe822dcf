package ciroles

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/acmecorp/rds-proxy/internal/iampolicy"
)

// TestRenderRoundTrips: the rendered files decode to the documents and end
// in a newline.
func TestRenderRoundTrips(t *testing.T) {
	p := params(loadStack(t, "qa", ""), loadStack(t, "prod", "  rds-proxy:cutover: direct\n"))
	roles, err := Roles(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		for _, doc := range append([]iampolicy.Document{r.Trust}, r.Policies()...) {
			b, err := iampolicy.Render(doc)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasSuffix(b, []byte("}\n")) || !bytes.HasPrefix(b, []byte("{\n  \"Version\": \"2012-10-17\",")) {
				t.Errorf("%s: rendered as\n%s", r.Name, b)
			}
			var back iampolicy.Document
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, doc) {
				t.Errorf("%s: round trip differs:\n%+v\n%+v", r.Name, back, doc)
			}
		}
	}
}
