"""EP604 removed-kubernetes-api: manifests on API versions current clusters no longer serve."""

from dataclasses import replace

from exitplan.rules import removed_kubernetes_api as rule
from tests.factories import k8s
from tests.rules.kit import check, findings


def _with_api(resource, api_version):
    return replace(
        resource, attributes={**resource.attributes, "apiVersion": api_version}, lines={("apiVersion",): 7}
    )


def test_removed_versions_are_reported_at_the_api_version_line():
    ingress = _with_api(k8s("Ingress", "web"), "extensions/v1beta1")
    cronjob = _with_api(k8s("CronJob", "sweep"), "batch/v1beta1")
    assert check(rule, ingress, cronjob) == {("EP604", ingress.id, 7), ("EP604", cronjob.id, 7)}
    messages = sorted(f.message for f in findings(rule, ingress, cronjob))
    assert messages == [
        "CronJob uses batch/v1beta1, removed in Kubernetes 1.25: use batch/v1",
        "Ingress uses extensions/v1beta1, removed in Kubernetes 1.22: use networking.k8s.io/v1 (Ingress, "
        "NetworkPolicy), apps/v1 (workloads)",
    ]


def test_served_versions_and_other_kinds_pass():
    ingress = _with_api(k8s("Ingress", "web"), "networking.k8s.io/v1")
    custom = _with_api(k8s("Widget", "w"), "extensions/v1beta1")
    assert check(rule, ingress, custom) == set()
