package persistence

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
)

// sqlStateError stands for a driver's database error.
type sqlStateError string

func (e sqlStateError) Error() string    { return "database error " + string(e) }
func (e sqlStateError) SQLState() string { return string(e) }

func TestUnavailable(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"marked", fmt.Errorf("list: %w", ErrUnavailable), true},
		{"connection refused, wrapped and joined", fmt.Errorf("load snapshot: %w", errors.Join(errors.New("dial error"), refused)), true},
		{"connection reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"cut mid-answer", fmt.Errorf("load snapshot: %w", io.ErrUnexpectedEOF), true},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), true},
		{"admin shutdown", fmt.Errorf("load: %w", sqlStateError("57P01")), true},
		{"starting up", sqlStateError("57P03"), true},
		{"connection failure", sqlStateError("08006"), true},
		{"too many connections", sqlStateError("53300"), true},
		{"not found", fmt.Errorf("load: %w", ErrNotFound), false},
		{"rejected", fmt.Errorf("%w: %w", ErrRejected, sqlStateError("22021")), false},
		{"unique violation", sqlStateError("23505"), false},
		{"syntax error", sqlStateError("42601"), false},
		{"canceled by the caller", context.Canceled, false},
		{"anything else", errors.New("decode state: invalid character"), false},
	} {
		if got := Unavailable(tc.err); got != tc.want {
			t.Errorf("%s: Unavailable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
