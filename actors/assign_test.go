package actors

import (
	"fmt"
	"slices"
	"testing"
)

func TestAssignSpreadsEvenlyAndAgreesWhateverTheOrder(t *testing.T) {
	for _, tc := range []struct{ partitions, nodes int }{{8, 1}, {8, 3}, {8, 5}, {8, 8}, {3, 5}, {64, 3}, {1024, 7}} {
		t.Run(fmt.Sprintf("%dp_%dn", tc.partitions, tc.nodes), func(t *testing.T) {
			var nodes []string
			for i := range tc.nodes {
				nodes = append(nodes, fmt.Sprintf("engine-%d", i))
			}
			owners := Assign(tc.partitions, nodes)
			reversed := slices.Clone(nodes)
			slices.Reverse(reversed)
			if got := Assign(tc.partitions, append(reversed, nodes[0])); !slices.Equal(got, owners) {
				t.Fatalf("order or duplicates change the assignment:\n%v\n%v", got, owners)
			}
			count := map[string]int{}
			for p, o := range owners {
				if !slices.Contains(nodes, o) {
					t.Fatalf("partition %d owned by %q", p, o)
				}
				count[o]++
			}
			floor := tc.partitions / tc.nodes
			for _, n := range nodes {
				if c := count[n]; c < floor || c > floor+1 {
					t.Errorf("%s owns %d partitions, want %d or %d", n, c, floor, floor+1)
				}
			}
		})
	}
}

func TestAssignMovesLittleWhenANodeLeaves(t *testing.T) {
	nodes := []string{"a", "b", "c", "d"}
	before := Assign(64, nodes)
	after := Assign(64, nodes[:3]) // d is gone
	moved := 0
	for p := range before {
		if before[p] != "d" && before[p] != after[p] {
			moved++
		}
	}
	// d's 16 partitions must move; of the other 48, most stay.
	if moved > 12 {
		t.Errorf("%d partitions of surviving nodes moved", moved)
	}
}

func TestAssignWithoutNodesOwnsNothing(t *testing.T) {
	if got := Owned(Assign(4, nil), ""); len(got) != 4 {
		// Every partition is unowned: "" is the owner of all four.
		t.Fatalf("got %v", got)
	}
	if got := Owned(Assign(4, []string{"a"}), "b"); len(got) != 0 {
		t.Fatalf("a node outside the members owns %v", got)
	}
}
