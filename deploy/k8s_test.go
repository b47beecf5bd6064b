package deploy

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
)

// k8sObject is the part of a Kubernetes object the checks below read.
type k8sObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Data map[string]string `yaml:"data"`
	Spec struct {
		Replicas *int `yaml:"replicas"`
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec struct {
				Containers []k8sContainer `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
		// PodDisruptionBudget
		MaxUnavailable any `yaml:"maxUnavailable"`
		MinAvailable   any `yaml:"minAvailable"`
		// Service (a plain map selector)
		Ports []struct {
			Port       int    `yaml:"port"`
			TargetPort string `yaml:"targetPort"`
		} `yaml:"ports"`
	} `yaml:"spec"`
	Raw map[string]any `yaml:"-"`
}

type k8sContainer struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	EnvFrom []struct {
		ConfigMapRef *struct {
			Name string `yaml:"name"`
		} `yaml:"configMapRef"`
	} `yaml:"envFrom"`
	ReadinessProbe *struct {
		HTTPGet *struct {
			Path string `yaml:"path"`
			Port string `yaml:"port"`
		} `yaml:"httpGet"`
	} `yaml:"readinessProbe"`
}

func loadK8s(t *testing.T) map[string]k8sObject {
	t.Helper()
	files, err := filepath.Glob("k8s/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in k8s/: %v", err)
	}
	objs := map[string]k8sObject{}
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(r)
		dec.KnownFields(false)
		for {
			var node yaml.Node
			err := dec.Decode(&node)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			var o k8sObject
			if err := node.Decode(&o); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if err := node.Decode(&o.Raw); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if o.APIVersion == "" || o.Kind == "" || o.Metadata.Name == "" {
				t.Fatalf("%s: object without apiVersion, kind or name", f)
			}
			key := o.Kind + "/" + o.Metadata.Name
			if _, dup := objs[key]; dup {
				t.Fatalf("%s: %s defined twice", f, key)
			}
			objs[key] = o
		}
		_ = r.Close()
	}
	return objs
}

func subset(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func TestKubernetesManifests(t *testing.T) {
	objs := loadK8s(t)
	roles := map[string]bool{"gateway": true, "engine": true, "sender": true}
	cm, ok := objs["ConfigMap/medspa-config"]
	if !ok || cm.Data["NATS_URL"] == "" {
		t.Fatal("ConfigMap medspa-config with NATS_URL missing")
	}
	// Each Deployment's NATS user and password: nats_test.go.
	for _, name := range []string{"medspa-engine", "medspa-gateway", "medspa-sender"} {
		d, ok := objs["Deployment/"+name]
		if !ok {
			t.Errorf("Deployment %s missing", name)
			continue
		}
		if !subset(d.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels) {
			t.Errorf("%s: selector %v does not select its pods %v", name, d.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels)
		}
		if len(d.Spec.Template.Spec.Containers) != 1 {
			t.Errorf("%s: want one container", name)
			continue
		}
		c := d.Spec.Template.Spec.Containers[0]
		if len(c.Args) != 1 || !roles[c.Args[0]] || "medspa-"+c.Args[0] != name {
			t.Errorf("%s runs %v", name, c.Args)
		}
		usesConfig := false
		for _, ef := range c.EnvFrom {
			usesConfig = usesConfig || (ef.ConfigMapRef != nil && ef.ConfigMapRef.Name == "medspa-config")
		}
		if !usesConfig {
			t.Errorf("%s does not read medspa-config", name)
		}
		rp := c.ReadinessProbe
		if rp == nil || rp.HTTPGet == nil || rp.HTTPGet.Path != "/readyz" {
			t.Errorf("%s: readiness probe is not GET /readyz", name)
		} else if !hasPort(c, rp.HTTPGet.Port) {
			t.Errorf("%s: readiness probe port %q is not a container port", name, rp.HTTPGet.Port)
		}
	}

	eng := objs["Deployment/medspa-engine"]
	if eng.Spec.Replicas == nil || *eng.Spec.Replicas != 3 {
		t.Errorf("engine replicas %v, want 3", eng.Spec.Replicas)
	}
	pdb, ok := objs["PodDisruptionBudget/medspa-engine"]
	switch {
	case !ok:
		t.Error("PodDisruptionBudget medspa-engine missing")
	case !subset(pdb.Spec.Selector.MatchLabels, eng.Spec.Template.Metadata.Labels):
		t.Errorf("PDB selector %v does not select the engine pods", pdb.Spec.Selector.MatchLabels)
	case pdb.Spec.MaxUnavailable == nil && pdb.Spec.MinAvailable == nil:
		t.Error("PDB sets neither maxUnavailable nor minAvailable")
	}

	svc, ok := objs["Service/medspa-gateway"]
	if !ok {
		t.Fatal("Service medspa-gateway missing")
	}
	spec, _ := svc.Raw["spec"].(map[string]any)
	sel := map[string]string{}
	if m, ok := spec["selector"].(map[string]any); ok {
		for k, v := range m {
			s, _ := v.(string)
			sel[k] = s
		}
	}
	gw := objs["Deployment/medspa-gateway"]
	if !subset(sel, gw.Spec.Template.Metadata.Labels) {
		t.Errorf("Service selector %v does not select the gateway pods", sel)
	}
	if len(svc.Spec.Ports) == 0 || len(gw.Spec.Template.Spec.Containers) == 0 || !hasPort(gw.Spec.Template.Spec.Containers[0], svc.Spec.Ports[0].TargetPort) {
		t.Error("Service targetPort is not a gateway container port")
	}
}

func hasPort(c k8sContainer, name string) bool {
	for _, p := range c.Ports {
		if p.Name == name {
			return true
		}
	}
	return false
}
