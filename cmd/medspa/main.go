// Command medspa is the conversation engine. One binary, several roles:
//
//	medspa serve      everything in one process (what `make run` runs)
//	medspa gateway    HTTP webhooks and staff API
//	medspa engine     conversation actors on the inbound partitions
//	medspa sender     hands texts to the carriers
//	medspa migrate    applies the store's migrations and exits
//	medspa token      prints a staff API token (development secret by default)
//	medspa sim        signs and posts a Telnyx or Twilio webhook, prints the reply
//	medspa sim pay    signs and posts a Stripe checkout event
//	medspa storm      load generator with an exactly-once verifier
//	medspa eval       accuracy of the built-in understanding
//	medspa status     one-screen summary of a running system
//	medspa dlq        lists, shows, replays and drops dead letters
//	medspa clinic     adds clinics from a file to a running system
//	medspa user       adds, lists and disables staff users
//
// Settings come from the environment; see the README.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/medspa/engine/cmd/medspa/internal/storm"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "medspa:", err)
		os.Exit(1)
	}
}

const usage = `usage: medspa <command> [flags]

commands:
  serve      run everything in one process (embedded NATS and store by default)
  gateway    run the HTTP gateway only
  engine     run the conversation engine only
  sender     run the carrier sender only
  migrate    apply the store's migrations and exit
  token      print a staff API token: medspa token --role staff --clinic glow-chicago
  sim        post a signed Telnyx webhook: medspa sim --from +13125550123 --to +17735550100 "How much is Botox?"
  storm      load-test a running engine and verify every reply: medspa storm --rate 100 --duration 30s
  status     one-screen summary of a running system: streams, consumers, partition owners, outbox, dead letters
  dlq        dead letters: medspa dlq list | show ID | replay ID...|--all [--since 2h] | drop ID...
  clinic     add clinics without a restart: medspa clinic add FILE (a clinics file)
  user       staff users: medspa user add --email E --name N --role admin|manager|staff [--clinic ID] [--password-stdin] | list | disable EMAIL
  eval       accuracy of the built-in understanding (and the model, when LLM_BASE_URL is set) on the labelled set
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve", "gateway", "engine", "sender":
		return runRole(ctx, cmd, getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, getenv, stderr)
	case "token":
		return runToken(rest, getenv, stdout)
	case "sim":
		return runSim(ctx, rest, getenv, stdout)
	case "storm":
		return storm.Main(ctx, rest, getenv, stdout, stderr)
	case "eval":
		return runEval(ctx, rest, getenv, stdout)
	case "status":
		return runStatus(ctx, rest, getenv, stdout)
	case "dlq":
		return runDLQ(ctx, rest, getenv, stdout)
	case "clinic":
		return runClinic(ctx, rest, getenv, stdout, stderr)
	case "user":
		return runUser(ctx, rest, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
