package actors

import (
	"hash/fnv"
	"slices"
	"strconv"
)

// Assign returns the owner of each of n partitions among the live nodes
// (owners[p] is a node id, or "" when there are no nodes). Every node
// computes it from the same member list and gets the same answer.
//
// It is rendezvous hashing with bounded load: partition p goes to the node
// with the highest hash of (node, p) that still has room, where room means
// every node ends with n/len(nodes) partitions, rounded down or up. A node
// joining or leaving moves few partitions besides its own share.
func Assign(n int, nodes []string) []string {
	owners := make([]string, n)
	members := slices.Compact(slices.Sorted(slices.Values(nodes)))
	if len(members) > 0 && members[0] == "" {
		members = members[1:]
	}
	if len(members) == 0 {
		return owners
	}
	floor, extra := n/len(members), n%len(members)
	load := make(map[string]int, len(members))
	atCeil := 0
	ranked := make([]string, len(members))
	for p := range n {
		copy(ranked, members)
		slices.SortStableFunc(ranked, func(a, b string) int {
			sa, sb := score(a, p), score(b, p)
			switch {
			case sa > sb:
				return -1
			case sa < sb:
				return 1
			}
			return 0
		})
		for _, node := range ranked {
			l := load[node]
			if l < floor || (l == floor && atCeil < extra) {
				if l == floor {
					atCeil++
				}
				load[node]++
				owners[p] = node
				break
			}
		}
	}
	return owners
}

// Owned lists the partitions owners gives to node.
func Owned(owners []string, node string) []int {
	var out []int
	for p, o := range owners {
		if o == node {
			out = append(out, p)
		}
	}
	return out
}

// score is a well-mixed 64-bit hash of (node, partition).
func score(node string, p int) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(node))
	_, _ = h.Write([]byte{0})
	_, _ = h.Write([]byte(strconv.Itoa(p)))
	x := h.Sum64()
	// splitmix64 finaliser: FNV alone mixes the last bytes poorly.
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
