package check

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cnpg "github.com/cloudnative-pg/cloudnative-pg/api/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

// base is the kustomization the deployment is made from.
const base = "../k8s/base"

// kinds maps every apiVersion and kind the kit may contain to a fresh value of its Go type; an
// object of any other kind fails the test, so nothing goes unchecked.
var kinds = map[string]func() any{
	"v1/ConfigMap":                  func() any { return &corev1.ConfigMap{} },
	"v1/Secret":                     func() any { return &corev1.Secret{} },
	"v1/Service":                    func() any { return &corev1.Service{} },
	"apps/v1/Deployment":            func() any { return &appsv1.Deployment{} },
	"apps/v1/StatefulSet":           func() any { return &appsv1.StatefulSet{} },
	"policy/v1/PodDisruptionBudget": func() any { return &policyv1.PodDisruptionBudget{} },
	"postgresql.cnpg.io/v1/Cluster": func() any { return &cnpg.Cluster{} },
}

// render runs the real kustomize (pinned in tools/kustomize) on dir.
func render(t *testing.T, dir string) []byte {
	t.Helper()
	tool := exec.Command("go", "tool", "-n", "kustomize")
	tool.Dir = "../../tools/kustomize"
	tool.Env = append(os.Environ(), "GOWORK=off")
	path, err := tool.Output()
	if err != nil {
		t.Fatalf("build kustomize (tools/kustomize): %v", err)
	}
	var stderr bytes.Buffer
	build := exec.Command(strings.TrimSpace(string(path)), "build", dir)
	build.Stderr = &stderr
	out, err := build.Output()
	if err != nil {
		t.Fatalf("kustomize build %s: %v\n%s", dir, err, stderr.String())
	}
	return out
}

// decode splits a rendered stream into documents and decodes each strictly into its type.
func decode(stream []byte) ([]any, error) {
	var objs []any
	for i, doc := range bytes.Split(stream, []byte("\n---\n")) {
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		mk, ok := kinds[tm.APIVersion+"/"+tm.Kind]
		if !ok {
			return nil, fmt.Errorf("document %d: %s %s is not a kind this check knows", i, tm.APIVersion, tm.Kind)
		}
		obj := mk()
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			return nil, fmt.Errorf("document %d (%s): %w", i, tm.Kind, err)
		}
		objs = append(objs, obj)
	}
	return objs, nil
}

func TestStrictDecodeRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, doc, want string }{
		{"unknown field", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replica: 2\n", `unknown field "replica"`},
		{"misspelt selector", "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {selectr: {app: x}}\n", `unknown field "selectr"`},
		{"unknown CloudNativePG field", "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: x}\nspec: {instances: 2, standbys: 1}\n", `unknown field "standbys"`},
		{"unknown kind", "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n", "not a kind this check knows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := decode([]byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("decode = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestKit(t *testing.T) {
	t.Parallel()
	objs, err := decode(render(t, base))
	if err != nil {
		t.Fatal(err)
	}
	var (
		deployments []*appsv1.Deployment
		sets        []*appsv1.StatefulSet
		pdbs        []*policyv1.PodDisruptionBudget
		services    []*corev1.Service
		clusters    []*cnpg.Cluster
		configs     = map[string]*corev1.ConfigMap{}
	)
	for _, o := range objs {
		switch o := o.(type) {
		case *appsv1.Deployment:
			deployments = append(deployments, o)
		case *appsv1.StatefulSet:
			sets = append(sets, o)
		case *policyv1.PodDisruptionBudget:
			pdbs = append(pdbs, o)
		case *corev1.Service:
			services = append(services, o)
		case *cnpg.Cluster:
			clusters = append(clusters, o)
		case *corev1.ConfigMap:
			configs[o.Name] = o
		}
	}

	t.Run("parts", func(t *testing.T) {
		var names []string
		for _, d := range deployments {
			names = append(names, d.Name)
		}
		slices.Sort(names)
		if want := []string{"checkin", "gateway", "registration", "reporting", "venue"}; !slices.Equal(names, want) {
			t.Fatalf("deployments %v, want %v", names, want)
		}
	})
	for _, d := range deployments {
		t.Run("deployment "+d.Name, func(t *testing.T) {
			pod := d.Spec.Template
			if !selects(d.Spec.Selector, pod.Labels) {
				t.Errorf("selector %v does not select the pods' labels %v", d.Spec.Selector, pod.Labels)
			}
			if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
				t.Errorf("replicas %v: every part runs at least two", d.Spec.Replicas)
			}
			for _, c := range pod.Spec.Containers {
				r := c.ReadinessProbe
				switch {
				case r == nil:
					t.Errorf("container %s has no readiness probe", c.Name)
				case d.Name == "gateway" && (r.HTTPGet == nil || r.HTTPGet.Path != "/healthz"):
					t.Errorf("the gateway's readiness is not GET /healthz: %+v", r.ProbeHandler)
				case d.Name != "gateway" && r.GRPC == nil:
					t.Errorf("%s's readiness is not the gRPC health check: %+v", c.Name, r.ProbeHandler)
				}
				// A part waiting for a neighbour is not ready but alive: its liveness asks for
				// the "liveness" health service (rpc.LivenessService), not the readiness one.
				if l := c.LivenessProbe; d.Name != "gateway" && l != nil && (l.GRPC == nil || l.GRPC.Service == nil || *l.GRPC.Service != "liveness") {
					t.Errorf("%s's liveness is not the gRPC health service \"liveness\": %+v", c.Name, l.ProbeHandler)
				}
				if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() {
					t.Errorf("container %s requests no CPU or memory: %v", c.Name, c.Resources.Requests)
				}
				if c.Resources.Limits.Memory().IsZero() {
					t.Errorf("container %s has no memory limit", c.Name)
				}
			}
			if !covered(pdbs, pod.Labels) {
				t.Errorf("no PodDisruptionBudget covers %s", d.Name)
			}
			if !exposed(services, pod.Labels) {
				t.Errorf("no Service selects %s", d.Name)
			}
		})
	}
	t.Run("nats", func(t *testing.T) {
		var nats *appsv1.StatefulSet
		for _, s := range sets {
			if s.Name == "nats" {
				nats = s
			}
		}
		if nats == nil {
			t.Fatal("no nats StatefulSet")
		}
		if nats.Spec.Replicas == nil || *nats.Spec.Replicas != 3 {
			t.Errorf("nats replicas %v, want 3", nats.Spec.Replicas)
		}
		if !covered(pdbs, nats.Spec.Template.Labels) {
			t.Error("no PodDisruptionBudget covers nats")
		}
		if len(nats.Spec.VolumeClaimTemplates) == 0 {
			t.Error("nats nodes keep JetStream on no volume of their own")
		}
		cfg := configs["sciweek-config"]
		if cfg == nil || cfg.Data["SCIWEEK_STREAM_REPLICAS"] != "3" {
			t.Errorf("sciweek-config does not ask for R3 streams: %v", cfg)
		}
		var conf string
		for name, cm := range configs {
			if strings.HasPrefix(name, "nats-config") {
				conf = cm.Data["nats.conf"]
			}
		}
		for i := range 3 {
			if route := fmt.Sprintf("nats://nats-%d.%s:6222", i, nats.Spec.ServiceName); !strings.Contains(conf, route) {
				t.Errorf("nats.conf has no route %s", route)
			}
		}
	})
	t.Run("postgres", func(t *testing.T) {
		if len(clusters) != 1 {
			t.Fatalf("%d CloudNativePG clusters, want 1", len(clusters))
		}
		c := clusters[0]
		if c.Spec.Instances < 2 {
			t.Errorf("instances %d: no standby", c.Spec.Instances)
		}
		if s := c.Spec.PostgresConfiguration.Synchronous; s == nil || s.Number < 1 {
			t.Errorf("commits wait for no standby: %+v", s)
		}
		// CloudNativePG names the primary's Service <cluster>-rw; DATABASE_URL must use it.
		if !strings.Contains(secretValue(objs, "sciweek-db", "DATABASE_URL"), "@"+c.Name+"-rw:") {
			t.Errorf("DATABASE_URL does not point at %s-rw", c.Name)
		}
	})
}

// TestAlertRules runs promtool (Debian's prometheus package; make prometheus installs it) on the
// rules and their unit tests.
func TestAlertRules(t *testing.T) {
	t.Parallel()
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool is missing: run make prometheus (Debian's prometheus package)")
	}
	for _, args := range [][]string{{"check", "rules", "alerts.rules.yaml"}, {"test", "rules", "alerts.test.yaml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = filepath.Clean(base)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

func selects(sel *metav1.LabelSelector, l map[string]string) bool {
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && !s.Empty() && s.Matches(labels.Set(l))
}

func covered(pdbs []*policyv1.PodDisruptionBudget, l map[string]string) bool {
	return slices.ContainsFunc(pdbs, func(p *policyv1.PodDisruptionBudget) bool { return selects(p.Spec.Selector, l) })
}

func exposed(services []*corev1.Service, l map[string]string) bool {
	return slices.ContainsFunc(services, func(s *corev1.Service) bool {
		return len(s.Spec.Selector) > 0 && labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(l))
	})
}

func secretValue(objs []any, name, key string) string {
	for _, o := range objs {
		if s, ok := o.(*corev1.Secret); ok && s.Name == name {
			return s.StringData[key]
		}
	}
	return ""
}
