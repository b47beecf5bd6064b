package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestStormRefusesBadInvocations(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string {
		if k == "DATA_DIR" {
			return dir
		}
		return ""
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--no-such-flag"}, "no-such-flag"},
		{[]string{"extra"}, "unexpected arguments"},
		{nil, "read signing key"}, // no development key in an empty DATA_DIR
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), append([]string{"storm"}, tc.args...), getenv, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want it to mention %q", tc.args, err, tc.want)
		}
	}
}
