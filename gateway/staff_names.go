package gateway

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/persistence"
)

// nameStaff sets the author name of the messages written by staff users
// and returns the names of every staff user id in them and in the notes
// of the conversation. Ids that are no user (a bearer token's subject)
// stay unnamed; without a user store nothing is named.
func nameStaff(ctx context.Context, store any, msgs []transcriptMessage, notes []conversation.Note) (map[string]string, error) {
	names := map[string]string{}
	users, ok := store.(persistence.Users)
	if !ok {
		return names, nil
	}
	looked := map[string]bool{}
	name := func(id string) (string, error) {
		if id == "" || looked[id] {
			return names[id], nil
		}
		looked[id] = true
		u, err := users.GetUser(ctx, id)
		if errors.Is(err, persistence.ErrNotFound) {
			return "", nil
		}
		if err != nil {
			return "", fmt.Errorf("load staff user: %w", err)
		}
		names[id] = u.Name
		return u.Name, nil
	}
	for i, m := range msgs {
		id, ok := strings.CutPrefix(m.Author, "staff:")
		if !ok {
			continue
		}
		n, err := name(id)
		if err != nil {
			return nil, err
		}
		msgs[i].AuthorName = n
	}
	for _, n := range notes {
		if _, err := name(n.UserID); err != nil {
			return nil, err
		}
	}
	return names, nil
}
