package deploy

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"go.yaml.in/yaml/v3"

	"github.com/medspa/engine/internal/bus"
)

var update = flag.Bool("update", false, "rewrite deploy/nats/auth.conf from bus.RolePermissions")

// authConf is deploy/nats/auth.conf: a NATS user per role with the
// permissions of bus.RolePermissions, its password from the environment.
func authConf() string {
	var b strings.Builder
	b.WriteString(`# The NATS users, one per role, and what each may publish and subscribe to.
# Generated from internal/bus/permissions.go (bus.RolePermissions) by
#   go test ./deploy -run TestNATSAuthConf -update
# Do not edit by hand. Passwords come from the server's environment
# (NATS_<ROLE>_PASSWORD, 32+ bytes each); docs/SECURITY.md, Message bus.
authorization {
  timeout: 2
  users: [
`)
	for _, role := range bus.Roles {
		fmt.Fprintf(&b, "    {user: %s, password: $%s", role, bus.PasswordEnv(role))
		p := bus.RolePermissions(role)
		if p == nil {
			b.WriteString("}\n")
			continue
		}
		b.WriteString(", permissions: {\n")
		for _, sp := range []struct {
			name string
			p    *server.SubjectPermission
		}{{"publish", p.Publish}, {"subscribe", p.Subscribe}} {
			if sp.p == nil {
				continue
			}
			fmt.Fprintf(&b, "      %s: {\n", sp.name)
			for _, l := range []struct {
				name     string
				subjects []string
			}{{"allow", sp.p.Allow}, {"deny", sp.p.Deny}} {
				if len(l.subjects) == 0 {
					continue
				}
				fmt.Fprintf(&b, "        %s: [\n", l.name)
				for _, s := range l.subjects {
					fmt.Fprintf(&b, "          %q\n", s)
				}
				b.WriteString("        ]\n")
			}
			b.WriteString("      }\n")
		}
		if p.Response != nil {
			b.WriteString("      allow_responses: true\n")
		}
		b.WriteString("    }}\n")
	}
	b.WriteString("  ]\n}\n")
	return b.String()
}

// The users and permissions the NATS servers load are the roles' (the
// file is generated from bus.RolePermissions and kept in step).
func TestNATSAuthConf(t *testing.T) {
	want := authConf()
	if *update {
		if err := os.WriteFile("nats/auth.conf", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("nats/auth.conf")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Error("deploy/nats/auth.conf differs from bus.RolePermissions: run go test ./deploy -run TestNATSAuthConf -update")
	}
}

// testCerts writes a CA and the certificates the NATS configurations name
// (server.pem for clients, route.pem for the cluster routes) into a
// directory, as docs/SECURITY.md has them made with openssl.
func testCerts(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, typ string, der []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "medspa-nats-ca"}, NotBefore: now, NotAfter: now.AddDate(10, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	write("ca.pem", "CERTIFICATE", caDER)
	for i, name := range []string{"server", "route"} {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		leaf := &x509.Certificate{SerialNumber: big.NewInt(int64(i + 2)), Subject: pkix.Name{CommonName: "medspa-nats-" + name},
			NotBefore: now, NotAfter: now.AddDate(10, 0, 0), DNSNames: []string{"nats-1", "nats-2", "nats-3"},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
		der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		write(name+".pem", "CERTIFICATE", der)
		kb, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		write(name+"-key.pem", "EC PRIVATE KEY", kb)
	}
	return dir
}

// loadNATSConf loads a server configuration the way nats-server does, with
// auth.conf beside it, the certificates from certs and every role's
// password in the environment; it returns the options and the passwords.
func loadNATSConf(t *testing.T, conf, certs string) (*server.Options, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	auth, err := os.ReadFile("nats/auth.conf")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "auth.conf"), auth, 0o600); err != nil {
		t.Fatal(err)
	}
	conf = strings.ReplaceAll(conf, "/etc/nats/certs/", certs+"/")
	if err := os.WriteFile(filepath.Join(dir, "nats.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	passwords := map[string]string{}
	for _, role := range bus.Roles {
		passwords[role] = role + "-password-of-at-least-32-bytes!!!!!!"
		t.Setenv(bus.PasswordEnv(role), passwords[role])
	}
	t.Setenv("POD_NAME", "nats-0")
	opts, err := server.ProcessConfigFile(filepath.Join(dir, "nats.conf"))
	if err != nil {
		t.Fatal(err)
	}
	return opts, passwords
}

// checkNATSOptions checks a loaded server configuration: exactly the role
// users, each with its password and bus.RolePermissions; TLS for clients;
// mutually verified TLS and authorization on the cluster routes.
func checkNATSOptions(t *testing.T, name string, opts *server.Options, passwords map[string]string) {
	t.Helper()
	if len(opts.Users) != len(bus.Roles) || len(opts.Nkeys) != 0 || opts.NoAuthUser != "" || opts.Username != "" {
		t.Errorf("%s: %d users, %d nkeys, no_auth_user %q, user %q; want the %d role users only", name, len(opts.Users), len(opts.Nkeys),
			opts.NoAuthUser, opts.Username, len(bus.Roles))
	}
	seen := map[string]bool{}
	for _, u := range opts.Users {
		seen[u.Username] = true
		if u.Password != passwords[u.Username] {
			t.Errorf("%s: user %s does not take its password from %s", name, u.Username, bus.PasswordEnv(u.Username))
		}
		if want := bus.RolePermissions(u.Username); !reflect.DeepEqual(u.Permissions, want) {
			t.Errorf("%s: user %s has permissions\n%+v\nwant\n%+v", name, u.Username, perms(u.Permissions), perms(want))
		}
	}
	for _, role := range bus.Roles {
		if !seen[role] {
			t.Errorf("%s: no user %s", name, role)
		}
	}
	if opts.TLSConfig == nil || opts.TLSConfig.MinVersion < tls.VersionTLS12 && opts.TLSConfig.MinVersion != 0 {
		t.Errorf("%s: clients are not served over TLS", name)
	}
	if opts.Cluster.Port == 0 || opts.Cluster.TLSConfig == nil {
		t.Errorf("%s: the cluster routes have no TLS", name)
	} else if opts.Cluster.TLSConfig.ClientAuth != tls.RequireAndVerifyClientCert {
		t.Errorf("%s: the cluster routes do not verify the other node's certificate", name)
	}
	if !opts.Cluster.TLSMap || opts.Cluster.Username == "" {
		t.Errorf("%s: the cluster routes have no authorization (verify_and_map with a route user)", name)
	}
	if opts.HTTPPort != 8222 || opts.Port != 4222 || opts.Cluster.Port != 6222 {
		t.Errorf("%s: ports client %d, monitoring %d, cluster %d", name, opts.Port, opts.HTTPPort, opts.Cluster.Port)
	}
	if !opts.JetStream {
		t.Errorf("%s: JetStream is off", name)
	}
}

func perms(p *server.Permissions) string {
	if p == nil {
		return "everything"
	}
	return fmt.Sprintf("publish %+v subscribe %+v responses %+v", p.Publish, p.Subscribe, p.Response)
}

// The compose cluster's servers load the role users with their
// permissions, serve clients over TLS and verify each other on the routes.
func TestNATSComposeConfigs(t *testing.T) {
	certs := testCerts(t)
	for _, n := range []string{"nats-1", "nats-2", "nats-3"} {
		b, err := os.ReadFile("nats/" + n + ".conf")
		if err != nil {
			t.Fatal(err)
		}
		opts, passwords := loadNATSConf(t, string(b), certs)
		checkNATSOptions(t, n+".conf", opts, passwords)
		if opts.ServerName != n || len(opts.Routes) != 3 {
			t.Errorf("%s.conf: server %q with %d routes", n, opts.ServerName, len(opts.Routes))
		}
	}
}

// The Kubernetes NATS StatefulSet's configuration: the same users, the same
// auth.conf, TLS for clients and routes.
func TestNATSKubernetesConfig(t *testing.T) {
	objs := loadK8s(t)
	cm, ok := objs["ConfigMap/nats-config"]
	if !ok {
		t.Fatal("ConfigMap nats-config missing")
	}
	auth, err := os.ReadFile("nats/auth.conf")
	if err != nil {
		t.Fatal(err)
	}
	if cm.Data["auth.conf"] != string(auth) {
		t.Error("ConfigMap nats-config's auth.conf differs from deploy/nats/auth.conf")
	}
	opts, passwords := loadNATSConf(t, cm.Data["nats.conf"], testCerts(t))
	checkNATSOptions(t, "nats-config nats.conf", opts, passwords)
	if opts.ServerName != "nats-0" || len(opts.Routes) != 3 {
		t.Errorf("k8s nats.conf: server %q with %d routes", opts.ServerName, len(opts.Routes))
	}
}

// composeFile is the part of docker-compose.yml the NATS checks read.
type composeFile struct {
	XMedspa  map[string]any `yaml:"x-medspa"`
	Services map[string]struct {
		Build       map[string]any    `yaml:"build"`
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		Expose      []string          `yaml:"expose"`
		Volumes     []string          `yaml:"volumes"`
	} `yaml:"services"`
}

// docker-compose.yml publishes no NATS port, each medspa service connects
// as its role's user over TLS, and migrate runs as ops.
func TestComposeNATSUsersAndPorts(t *testing.T) {
	b, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	for name, s := range c.Services {
		for _, p := range append(append([]string(nil), s.Ports...), s.Expose...) {
			if strings.Contains(p, "4222") || strings.Contains(p, "8222") || strings.Contains(p, "6222") {
				t.Errorf("service %s publishes NATS port %q", name, p)
			}
		}
		if s.Build == nil {
			continue
		}
		role := s.Command[0]
		if role == "migrate" {
			role = bus.RoleOps
		}
		env := s.Environment
		if env["NATS_USER"] != role {
			t.Errorf("service %s connects as NATS user %q, want %q", name, env["NATS_USER"], role)
		}
		if want := "${" + bus.PasswordEnv(role); !strings.HasPrefix(env["NATS_PASSWORD"], want) {
			t.Errorf("service %s's NATS_PASSWORD is %q, want %s...}", name, env["NATS_PASSWORD"], want)
		}
		if env["NATS_CA_FILE"] == "" || !strings.HasPrefix(env["NATS_URL"], "tls://") {
			t.Errorf("service %s does not reach NATS over TLS (NATS_URL %q, NATS_CA_FILE %q)", name, env["NATS_URL"], env["NATS_CA_FILE"])
		}
		mounted := false
		for _, v := range s.Volumes {
			mounted = mounted || strings.HasPrefix(v, "./deploy/nats/certs/ca.pem:")
		}
		if !mounted {
			t.Errorf("service %s does not mount the NATS CA certificate", name)
		}
	}
	for _, n := range []string{"nats-1", "nats-2", "nats-3"} {
		s := c.Services[n]
		for _, role := range bus.Roles {
			if s.Environment[bus.PasswordEnv(role)] == "" {
				t.Errorf("service %s lacks %s for its users", n, bus.PasswordEnv(role))
			}
		}
		want := map[string]bool{"./deploy/nats/" + n + ".conf:/etc/nats/nats.conf:ro": true, "./deploy/nats/auth.conf:/etc/nats/auth.conf:ro": true,
			"./deploy/nats/certs:/etc/nats/certs:ro": true}
		for _, v := range s.Volumes {
			delete(want, v)
		}
		if len(want) != 0 {
			t.Errorf("service %s does not mount %v", n, want)
		}
	}
	if _, err := os.Stat("nats/certs/.gitignore"); err != nil {
		t.Errorf("deploy/nats/certs/.gitignore keeps private keys out of the repository: %v", err)
	}
}

// get walks a parsed YAML object by keys (string) and indexes (int).
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func list(v any) []any { l, _ := v.([]any); return l }

// containerEnv returns a container's env: each plain value, or
// "secret:<name>/<key>" for one taken from a Secret.
func containerEnv(c any) map[string]string {
	out := map[string]string{}
	for _, e := range list(get(c, "env")) {
		name, _ := get(e, "name").(string)
		if v, ok := get(e, "value").(string); ok {
			out[name] = v
		} else if sec, ok := get(e, "valueFrom", "secretKeyRef", "name").(string); ok {
			key, _ := get(e, "valueFrom", "secretKeyRef", "key").(string)
			out[name] = "secret:" + sec + "/" + key
		}
	}
	return out
}

// The NATS StatefulSet: three nodes, a headless Service for the routes,
// passwords and TLS from Secrets, no Service exposing NATS outside the
// cluster or its monitoring port at all, and a NetworkPolicy admitting the
// client port from the medspa pods only and the cluster port from the NATS
// pods only. Every medspa workload connects as its role's user over TLS.
func TestKubernetesNATS(t *testing.T) {
	objs := loadK8s(t)
	ss, ok := objs["StatefulSet/nats"]
	if !ok {
		t.Fatal("StatefulSet nats missing")
	}
	if ss.Spec.Replicas == nil || *ss.Spec.Replicas != 3 {
		t.Errorf("nats replicas %v, want 3", ss.Spec.Replicas)
	}
	headless, ok := objs["Service/"+fmt.Sprint(get(ss.Raw, "spec", "serviceName"))]
	if !ok || get(headless.Raw, "spec", "clusterIP") != "None" {
		t.Error("the StatefulSet's serviceName is not a headless Service")
	}
	c := get(ss.Raw, "spec", "template", "spec", "containers", 0)
	env := containerEnv(c)
	for _, role := range bus.Roles {
		if env[bus.PasswordEnv(role)] != "secret:medspa-nats-users/"+role {
			t.Errorf("nats: %s is %q, not from the Secret medspa-nats-users", bus.PasswordEnv(role), env[bus.PasswordEnv(role)])
		}
	}
	tlsFromSecret := false
	for _, v := range list(get(ss.Raw, "spec", "template", "spec", "volumes")) {
		tlsFromSecret = tlsFromSecret || get(v, "secret", "secretName") == "medspa-nats-tls"
	}
	if !tlsFromSecret {
		t.Error("nats: TLS files are not mounted from the Secret medspa-nats-tls")
	}
	for key, o := range objs {
		if o.Kind != "Service" {
			continue
		}
		if typ := get(o.Raw, "spec", "type"); typ == "NodePort" || typ == "LoadBalancer" {
			if sel, _ := get(o.Raw, "spec", "selector", "app.kubernetes.io/name").(string); sel == "nats" {
				t.Errorf("%s exposes NATS outside the cluster", key)
			}
		}
		for _, p := range o.Spec.Ports {
			if p.Port == 8222 {
				t.Errorf("%s exposes the NATS monitoring port", key)
			}
		}
	}
	np, ok := objs["NetworkPolicy/nats"]
	if !ok {
		t.Fatal("NetworkPolicy nats missing")
	}
	if get(np.Raw, "spec", "podSelector", "matchLabels", "app.kubernetes.io/name") != "nats" {
		t.Error("NetworkPolicy nats does not select the NATS pods")
	}
	allowed := map[string]string{} // port -> the app its peers are
	for _, rule := range list(get(np.Raw, "spec", "ingress")) {
		from := list(get(rule, "from"))
		if len(from) != 1 {
			t.Errorf("NetworkPolicy nats: a rule with %d peers, want one pod selector", len(from))
			continue
		}
		peer, _ := get(from[0], "podSelector", "matchLabels", "app.kubernetes.io/name").(string)
		ports := list(get(rule, "ports"))
		if len(ports) == 0 {
			t.Error("NetworkPolicy nats: a rule admits every port")
		}
		for _, p := range ports {
			allowed[fmt.Sprint(get(p, "port"))] += peer
		}
	}
	if want := map[string]string{"4222": "medspa", "6222": "nats"}; !reflect.DeepEqual(allowed, want) {
		t.Errorf("NetworkPolicy nats admits %v, want %v", allowed, want)
	}

	cm := objs["ConfigMap/medspa-config"]
	if !strings.HasPrefix(cm.Data["NATS_URL"], "tls://") || cm.Data["NATS_CA_FILE"] == "" {
		t.Errorf("medspa-config: NATS_URL %q, NATS_CA_FILE %q: not TLS", cm.Data["NATS_URL"], cm.Data["NATS_CA_FILE"])
	}
	for key, role := range map[string]string{"Deployment/medspa-gateway": "gateway", "Deployment/medspa-engine": "engine",
		"Deployment/medspa-sender": "sender", "Job/medspa-migrate": "ops"} {
		o, ok := objs[key]
		if !ok {
			t.Errorf("%s missing", key)
			continue
		}
		env := containerEnv(get(o.Raw, "spec", "template", "spec", "containers", 0))
		if env["NATS_USER"] != role || env["NATS_PASSWORD"] != "secret:medspa-nats-users/"+role {
			t.Errorf("%s connects as %q with password %q, want %s from its Secret key", key, env["NATS_USER"], env["NATS_PASSWORD"], role)
		}
	}
}
