package persistence

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
)

// ErrUnavailable marks a store that cannot be reached or does not answer:
// the database is down, restarting, out of connections or too slow. Unlike
// ErrRejected, the same request may succeed later. A store or a wrapper may
// wrap it; Unavailable also recognises the errors drivers return in an
// outage.
var ErrUnavailable = errors.New("store unavailable")

// Unavailable reports whether err says the store could not be reached or
// did not answer, rather than that the request was wrong: ErrUnavailable;
// a network error (a refused or reset connection, a dial or read timeout);
// a connection cut in the middle of an answer; a deadline that ran out;
// and a database error with SQLSTATE class 08 (connection exception) or 53
// (insufficient resources, e.g. too many connections), or 57P01 to 57P03
// (the server shutting down, crashed, or not accepting connections yet).
// It knows no driver: database errors are read through their SQLState
// method.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var se interface{ SQLState() string }
	if errors.As(err, &se) {
		code := se.SQLState()
		switch {
		case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "53"):
			return true
		case code == "57P01", code == "57P02", code == "57P03":
			return true
		}
	}
	return false
}
