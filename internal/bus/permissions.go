package bus

import (
	"slices"
	"strings"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/medspa/engine/messages"
)

// The NATS users, one per role. Each may do what its processes need and
// nothing else (RolePermissions); docs/SECURITY.md, Message bus, has the
// table.
const (
	RoleGateway = "gateway" // webhooks, web form, staff API: publishes inbound work
	RoleEngine  = "engine"  // conversations: consumes inbound, publishes commands and events
	RoleSender  = "sender"  // texts and payments: consumes commands
	RoleWatch   = "watch"   // operators' `nats sub`: reads events, nothing else
	RoleOps     = "ops"     // `medspa migrate`, `dlq`, `status` and `medspa serve`: everything
)

// Roles are the NATS users every server configures.
var Roles = []string{RoleGateway, RoleEngine, RoleSender, RoleWatch, RoleOps}

// WatchSubjects are the subjects the watch user may subscribe to: the
// events, never commands, inbound messages or dead letters.
var WatchSubjects = []string{messages.SubjectEvents + ".>"}

// InboxPrefix is the reply-subject prefix of role's connections: replies,
// JetStream acknowledgements and the messages a pull consumer delivers
// (texts and numbers, for the sender) reach a client on its inbox, so each
// role may subscribe to its own prefix only, never to another role's
// (nats.go's default "_INBOX" would let any role read every reply). Ops
// keeps the default.
func InboxPrefix(role string) string {
	switch role {
	case RoleGateway, RoleEngine, RoleSender:
		return "_INBOX_" + role
	}
	return nats.InboxPrefix[:len(nats.InboxPrefix)-1]
}

func inbox(role string) string { return InboxPrefix(role) + ".>" }

func jsAPI(s string) string { return "$JS.API." + s }

func streamInfo(streams ...string) []string {
	out := make([]string, 0, len(streams))
	for _, s := range streams {
		out = append(out, jsAPI("STREAM.INFO."+s))
	}
	return out
}

// consume are the subjects a client publishes to pull from a durable
// consumer (name may be "*") of stream and acknowledge what it gets. Acks
// go to the reply subject of each message: $JS.ACK.<stream>.<consumer>...
// (and the server's v2 format, $JS.ACK.<domain>.<account>.<stream>...).
func consume(stream, name string) []string {
	return []string{
		jsAPI("CONSUMER.INFO." + stream + "." + name),
		jsAPI("CONSUMER.MSG.NEXT." + stream + "." + name),
		"$JS.ACK." + stream + "." + name + ".>",
		"$JS.ACK.*.*." + stream + "." + name + ".>",
	}
}

// kvStream is the stream of a key-value bucket.
func kvStream(bucket string) string { return "KV_" + bucket }

// kvUse are the subjects a client publishes to open a bucket (its stream
// info), read keys (direct or stream get), write and delete them
// ($KV.<bucket>.<key>), and, with watch, watch it: an ordered consumer the
// client creates and deletes, with flow-control replies.
func kvUse(bucket string, watch bool) []string {
	st := kvStream(bucket)
	out := []string{
		jsAPI("STREAM.INFO." + st),
		jsAPI("DIRECT.GET." + st + ".>"),
		jsAPI("DIRECT.GET." + st),
		jsAPI("STREAM.MSG.GET." + st),
		"$KV." + bucket + ".>",
	}
	if watch {
		out = append(out,
			jsAPI("CONSUMER.CREATE."+st),
			jsAPI("CONSUMER.CREATE."+st+".>"),
			jsAPI("CONSUMER.DELETE."+st+".>"),
			"$JS.FC."+st+".>",
			"$JS.FC.*.*."+st+".>")
	}
	return out
}

// lookupStreams are the subjects of EnsureStreams' lookup: every role that
// runs the engine's processes checks at start that the streams and
// consumers exist as this version expects them.
func lookupStreams() []string {
	out := streamInfo(messages.StreamInbound, messages.StreamOutbound, messages.StreamEvents, messages.StreamDead)
	return append(out, jsAPI("CONSUMER.INFO."+messages.StreamInbound+".*"), jsAPI("CONSUMER.INFO."+messages.StreamOutbound+".*"))
}

func inbound(kinds ...messages.Kind) []string {
	out := make([]string, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, "medspa.in.*.*."+string(k))
	}
	return out
}

// settingsChanged is the event every process follows to reload a clinic
// (clinicsync.Follow); the gateway also publishes it for a new clinic.
var settingsChanged = messages.EventSubject("*", messages.ClinicToken, messages.EventSettingsChanged)

// RolePermissions returns what role may publish and subscribe to: nil for
// ops (everything); an unknown role may do nothing.
//
//   - gateway publishes inbound work of every kind but timers, the
//     settings.changed event of a clinic it creates, and requests to the
//     engine (medspa.rpc.>); it reads events (staff event streams) and the
//     stream tickets bucket.
//   - engine consumes the inbound partitions (and unpins one it hands
//     over to another node), publishes commands, events,
//     timers, conflict notes to staff and inbound dead letters, answers
//     medspa.rpc.> requests (replies only to requests it received), keeps
//     the nodes bucket and reads the streams' state for its metrics.
//   - sender consumes the send and payment commands and publishes delivery
//     receipts and payment results as inbound work and its dead letters.
//   - watch subscribes to events and publishes nothing.
func RolePermissions(role string) *server.Permissions {
	var pub, sub []string
	var resp *server.ResponsePermission
	switch role {
	case RoleOps:
		return nil
	case RoleWatch:
		return &server.Permissions{
			Publish:   &server.SubjectPermission{Deny: []string{">"}},
			Subscribe: &server.SubjectPermission{Allow: slices.Clone(WatchSubjects)},
		}
	case RoleGateway:
		pub = append(pub, inbound(messages.KindSMS, messages.KindReceipt, messages.KindMissed, messages.KindWebLead,
			messages.KindPayment, messages.KindStaff)...)
		pub = append(pub, settingsChanged, "medspa.rpc.>")
		pub = append(pub, lookupStreams()...)
		pub = append(pub, kvUse(messages.BucketTickets, false)...)
		sub = []string{messages.SubjectEvents + ".>", inbox(role)}
	case RoleEngine:
		pub = append(pub, inbound(messages.KindTimer, messages.KindStaff)...)
		pub = append(pub, messages.SubjectCommands+".>", messages.SubjectEvents+".>", messages.DeadSubject("inbound"))
		pub = append(pub, lookupStreams()...)
		pub = append(pub, consume(messages.StreamInbound, "*")...)
		pub = append(pub,
			jsAPI("DIRECT.GET."+messages.StreamInbound), // a lead's pending messages
			jsAPI("STREAM.MSG.GET."+messages.StreamInbound),
			jsAPI("CONSUMER.UNPIN."+messages.StreamInbound+".*"), // hands a partition over
			jsAPI("CONSUMER.LIST."+messages.StreamInbound),       // pending-work metrics
			jsAPI("CONSUMER.LIST."+messages.StreamOutbound))
		pub = append(pub, kvUse(messages.BucketNodes, true)...)
		sub = []string{"medspa.rpc.>", settingsChanged, inbox(role)}
		resp = &server.ResponsePermission{MaxMsgs: server.DEFAULT_ALLOW_RESPONSE_MAX_MSGS, Expires: server.DEFAULT_ALLOW_RESPONSE_EXPIRATION}
	case RoleSender:
		pub = append(pub, inbound(messages.KindReceipt, messages.KindPayment)...)
		pub = append(pub, messages.DeadSubject("sms"), messages.DeadSubject("payment"))
		pub = append(pub, lookupStreams()...)
		pub = append(pub, consume(messages.StreamOutbound, SenderConsumer)...)
		pub = append(pub, consume(messages.StreamOutbound, PaymentsConsumer)...)
		sub = []string{settingsChanged, inbox(role)}
	default:
		return &server.Permissions{
			Publish:   &server.SubjectPermission{Deny: []string{">"}},
			Subscribe: &server.SubjectPermission{Deny: []string{">"}},
		}
	}
	return &server.Permissions{
		Publish:   &server.SubjectPermission{Allow: unique(pub)},
		Subscribe: &server.SubjectPermission{Allow: unique(sub)},
		Response:  resp,
	}
}

// unique drops repeated subjects, keeping the first of each.
func unique(subjects []string) []string {
	seen := make(map[string]bool, len(subjects))
	out := subjects[:0]
	for _, s := range subjects {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// PasswordEnv is the environment variable of role's NATS password.
func PasswordEnv(role string) string { return "NATS_" + strings.ToUpper(role) + "_PASSWORD" }

// RoleUsers returns one user per role with its password and permissions,
// for every role passwords has a non-empty password for.
func RoleUsers(passwords map[string]string) []*server.User {
	var users []*server.User
	for _, role := range Roles {
		p := passwords[role]
		if p == "" {
			continue
		}
		users = append(users, &server.User{Username: role, Password: p, Permissions: RolePermissions(role)})
	}
	return users
}
