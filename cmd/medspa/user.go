package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/password"
	"github.com/medspa/engine/persistence"
)

const userUsage = `usage: medspa user add --email EMAIL --name NAME --role admin|manager|staff [--clinic ID] [--password-stdin]
       medspa user list
       medspa user disable EMAIL

Works on the configured store (DATABASE_URL, or the embedded store in DATA_DIR).
add prints an invite link (PUBLIC_BASE_URL/inbox/#invite=..., single use, 72 h);
with --password-stdin it reads the password from the first line of standard input
instead. disable refuses the user's sign-in and ends their sessions at once.`

// stdin is where --password-stdin reads.
var stdin io.Reader = os.Stdin

// runUser manages staff users from the command line: the first admin,
// before anyone can sign in to create others.
func runUser(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, userUsage)
		return errors.New("user: want add, list or disable")
	}
	cfg := app.Defaults()
	for name, dst := range map[string]*string{"DATA_DIR": &cfg.DataDir, "DATABASE_URL": &cfg.DatabaseURL,
		"PUBLIC_BASE_URL": &cfg.PublicBaseURL, "NATS_URL": &cfg.NATSURL, "CLINICS_FILE": &cfg.ClinicsFile} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	if v := strings.TrimSpace(getenv("PORT")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("PORT=%q is not a number", v)
		}
		cfg.Port = n
	}
	open := func() (persistence.Store, persistence.Users, error) {
		store, err := app.OpenStore(ctx, cfg, newLogger(cfg.LogLevel, stderr), clock.Real)
		if err != nil {
			return nil, nil, err
		}
		users, ok := store.(persistence.Users)
		if !ok {
			store.Close()
			return nil, nil, errors.New("the store keeps no users")
		}
		return store, users, nil
	}
	switch args[0] {
	case "add":
		return userAdd(ctx, cfg, args[1:], open, stdout, stderr)
	case "list":
		store, users, err := open()
		if err != nil {
			return err
		}
		defer store.Close()
		return userList(ctx, users, stdout)
	case "disable":
		if len(args) != 2 {
			fmt.Fprintln(stderr, userUsage)
			return errors.New("user disable: want EMAIL")
		}
		store, users, err := open()
		if err != nil {
			return err
		}
		defer store.Close()
		u, err := users.UserByEmail(ctx, args[1])
		if errors.Is(err, persistence.ErrNotFound) {
			return fmt.Errorf("no user with email %s", args[1])
		}
		if err != nil {
			return err
		}
		if err := users.DisableUser(ctx, u.ID, clock.Real()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "disabled %s (%s); their sessions ended\n", u.Email, u.ID)
		return nil
	}
	fmt.Fprintln(stderr, userUsage)
	return fmt.Errorf("user: unknown subcommand %q", args[0])
}

func userAdd(ctx context.Context, cfg app.Config, args []string, open func() (persistence.Store, persistence.Users, error), stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var q gateway.NewUserRequest
	fs.StringVar(&q.Email, "email", "", "email address (signs in with it)")
	fs.StringVar(&q.Name, "name", "", "name shown to staff")
	fs.StringVar(&q.Role, "role", "", "admin (every clinic), manager (one clinic and its settings) or staff (one clinic)")
	fs.StringVar(&q.ClinicID, "clinic", "", "clinic id (required for manager and staff)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of printing an invite link")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("user add: unexpected arguments %q", fs.Args())
	}
	var pw string
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
		if why := password.Check(pw); why != "" {
			return fmt.Errorf("password: %s", why)
		}
	}
	store, users, err := open()
	if err != nil {
		return err
	}
	defer store.Close()
	known, err := knownClinics(ctx, cfg, store)
	if err != nil {
		return err
	}
	if f := q.Valid(func(id string) bool { return known[id] }); len(f) > 0 {
		var msgs []string
		for k, v := range f {
			msgs = append(msgs, "--"+strings.TrimSuffix(k, "_id")+": "+v)
		}
		sort.Strings(msgs)
		return fmt.Errorf("user add: %s", strings.Join(msgs, "; "))
	}
	now := clock.Real()
	u := q.NewUser(now)
	if *fromStdin {
		if u.PasswordHash, err = password.Hash(pw); err != nil {
			return err
		}
	}
	if err := users.CreateUser(ctx, u); err != nil {
		if errors.Is(err, persistence.ErrDuplicate) {
			return fmt.Errorf("a user with email %s exists", u.Email)
		}
		return err
	}
	if *fromStdin {
		fmt.Fprintf(stdout, "added %s %s (%s) with the password given; sign in at %s/inbox\n", u.Role, u.Email, u.ID, strings.TrimRight(baseURL(cfg), "/"))
		return nil
	}
	link, exp, err := gateway.NewInvite(ctx, users, baseURL(cfg), u.ID, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added %s %s (%s)\ninvite link (single use, until %s):\n%s\n", u.Role, u.Email, u.ID, exp.UTC().Format(time.RFC3339), link)
	return nil
}

// baseURL is where invite links point: PUBLIC_BASE_URL, else the address
// of a development system on this machine.
func baseURL(cfg app.Config) string {
	if cfg.PublicBaseURL != "" {
		return cfg.PublicBaseURL
	}
	return "http://127.0.0.1:" + strconv.Itoa(cfg.Port)
}

// knownClinics are the clinics of the clinics file (or the demo clinics)
// and those stored through onboarding.
func knownClinics(ctx context.Context, cfg app.Config, store persistence.Store) (map[string]bool, error) {
	known := map[string]bool{}
	file, err := cfg.LoadClinics()
	if err != nil {
		return nil, err
	}
	for _, c := range file {
		known[c.ID] = true
	}
	stored, err := store.ListClinicSettings(ctx)
	if err != nil {
		return nil, fmt.Errorf("list clinics: %w", err)
	}
	for _, s := range stored {
		known[s.ClinicID] = true
	}
	return known, nil
}

func userList(ctx context.Context, users persistence.Users, stdout io.Writer) error {
	list, err := users.ListUsers(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tCLINIC\tSTATUS\tID")
	for _, u := range list {
		status := "active"
		switch {
		case u.Disabled():
			status = "disabled"
		case u.PasswordHash == "":
			status = "invited"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Role, u.ClinicID, status, u.ID)
	}
	return tw.Flush()
}
