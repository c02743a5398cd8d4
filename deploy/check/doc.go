// Package check validates deploy/k8s offline: its test renders the kustomization with the real
// kustomize (tools/kustomize, built through go tool) and decodes every object strictly, unknown
// fields refused, into the Kubernetes API types (k8s.io/api) and CloudNativePG's (its api/v1), then
// checks what the deployment promises: readiness on the health check, resource requests, a
// PodDisruptionBudget for every workload, three NATS nodes with R3 streams, PostgreSQL with a
// standby. It also runs promtool on the alert rules. kubeconform would need schemas from the
// internet; the Go types are those schemas, pinned in this module.
//
// The module is outside go.work (GOWORK=off), so Kubernetes' dependencies never move the
// project's own.
package check
