package outputs

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type component struct {
	pulumi.ResourceState

	Name     pulumi.StringOutput    `pulumi:"name"`
	Optional pulumi.StringPtrOutput `pulumi:"optional,optional"`
	Unset    pulumi.StringPtrOutput `pulumi:"unset"`
	Untagged pulumi.StringOutput
}

// TestOfTakesTheTaggedOutputsThatAreSet: the outputs are the tagged
// fields that hold an output, named by the tag without its options; an
// unset (zero) output and an untagged field are left out.
func TestOfTakesTheTaggedOutputsThatAreSet(t *testing.T) {
	c := &component{
		Name:     pulumi.String("n").ToStringOutput(),
		Optional: pulumi.String("o").ToStringPtrOutput(),
		Untagged: pulumi.String("u").ToStringOutput(),
	}
	m, err := Of(c)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for k := range m {
		got = append(got, k)
	}
	slices.Sort(got)
	if want := []string{"name", "optional"}; !slices.Equal(got, want) {
		t.Errorf("outputs %v, want %v", got, want)
	}
	Clear(c)
	if m, _ := Of(c); len(m) != 0 {
		t.Errorf("after Clear the outputs are %v, want none", m)
	}
}

// TestATaggedFieldThatIsNoOutputIsRefused: a tag on a field that holds no
// output names it in the error.
func TestATaggedFieldThatIsNoOutputIsRefused(t *testing.T) {
	c := &struct {
		Name string `pulumi:"name"`
	}{}
	if _, err := Of(c); err == nil || !strings.Contains(err.Error(), `"name"`) {
		t.Errorf("err = %v, want one naming the field", err)
	}
}
