package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/medspa/engine/cmd/medspa/internal/leadsim"
)

// runPeople plays conversations written as people text against the core
// and prints each with the engine's replies and how it ended:
//
//	medspa eval --people cmd/medspa/internal/leadsim/testdata/people_dev.txt [--failed]
//
// The file has the format of cmd/medspa/internal/leadsim/testdata/people.txt (see
// people_dev.txt for the outcomes a conversation may want).
func runPeople(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("eval --people", flag.ContinueOnError)
	file := fs.String("people", "", "written conversations, in the format of cmd/medspa/internal/leadsim/testdata/people.txt")
	failed := fs.Bool("failed", false, "print only the conversations that did not end as wanted")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("--people wants a file")
	}
	text, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	scripts, err := leadsim.ParseScripted(*file, string(text))
	if err != nil {
		return err
	}
	ok := 0
	for _, s := range scripts {
		r, err := leadsim.PlayScripted(s)
		if err != nil {
			return err
		}
		if r.OK {
			ok++
		}
		if !*failed || !r.OK {
			leadsim.WriteScripted(stdout, r)
		}
	}
	fmt.Fprintf(stdout, "%d of %d written conversations ended as wanted\n", ok, len(scripts))
	return nil
}
