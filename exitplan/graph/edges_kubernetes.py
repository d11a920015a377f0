"""Edges between Kubernetes objects of one configuration (a deployment unit).

Edge kinds (``A → B``: A needs B):

- ``selects``                    Service → pod controllers whose pod labels match its selector
- ``routes-to``                  Ingress / HTTPRoute, GRPCRoute, TCPRoute, TLSRoute, UDPRoute → Service
- ``attached-to``                Route → Gateway (parentRefs)
- ``uses-ingress-class``         Ingress → IngressClass (ingressClassName or the legacy annotation)
- ``uses-gateway-class``         Gateway → GatewayClass
- ``uses-configmap``             workload → ConfigMap (volumes, projected volumes, envFrom, env valueFrom)
- ``uses-secret``                workload → Secret (same places, imagePullSecrets), or → the ExternalSecret
                                 that creates a Secret not in the manifests, the Crossplane resource
                                 whose ``writeConnectionSecretToRef`` writes it, or the operator's data
                                 store that writes it (a CloudNativePG Cluster's ``<name>-app``)
- ``uses-secret-provider-class`` workload → SecretProviderClass (secrets-store CSI volume)
- ``claims-volume``              workload → PersistentVolumeClaim; also a chart's release → the existing claims its
                                 values mount (``kubernetes/release_volumes.py``)
- ``runs-as``                    workload → ServiceAccount (the ``default`` one, inferred, when none is named)
- ``uses-priority-class``        workload → PriorityClass; ``uses-runtime-class`` → RuntimeClass
- ``uses-storage-class``         StatefulSet volumeClaimTemplates, PVC, PV → StorageClass
- ``binds-volume``               PVC → PersistentVolume (volumeName)
- ``scales``                     HPA, VPA, KEDA ScaledObject → the workload they scale
- ``protects``                   PodDisruptionBudget → the pod controllers it selects
- ``applies-to``                 NetworkPolicy → the pod controllers it selects
- ``binds-role``                 RoleBinding / ClusterRoleBinding → Role / ClusterRole
- ``binds-subject``              RoleBinding / ClusterRoleBinding → ServiceAccount subjects
- ``owned-by``                   any object → its ownerReferences
- ``uses-secret-store``          ExternalSecret → SecretStore / ClusterSecretStore
- ``created-by``                 Secret → the ExternalSecret whose target it is
- ``uses-chart-source``          Flux HelmRelease → the HelmRepository, OCIRepository, GitRepository or
                                 HelmChart its chart comes from
- ``uses-configmap``, ``uses-secret`` also: HelmRelease → the ConfigMaps and Secrets of its valuesFrom

Objects are linked only inside one configuration. A reference to an object that is not in the manifests
gives no edge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

from exitplan.graph.edges_pods import claim_templates, pod_spec_references, secret_use
from exitplan.graph.index import POD_TEMPLATES, ObjectIndex, PodIndex, edge, namespace_of
from exitplan.graph.object_context import Context, link
from exitplan.knowledge.operator_stores import secrets_written
from exitplan.kubernetes.gitops import install_namespace, remote_chart
from exitplan.kubernetes.release_volumes import release_secrets as release_secrets_named
from exitplan.kubernetes.release_volumes import release_volumes
from exitplan.model import Edge, Resource
from exitplan.model import Path as AttrPath

ROUTE_KINDS = ("HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute")


def kubernetes_edges(resources: Sequence[Resource]) -> Iterator[Edge]:
    """Every edge between Kubernetes objects of the same configuration, once per (source, target, kind)."""
    kubernetes = [r for r in resources if r.source == "kubernetes"]
    context = Context(ObjectIndex(kubernetes), PodIndex(kubernetes), _secret_sources(kubernetes))
    seen: set[tuple[str, str, str]] = set()
    for resource in kubernetes:
        for relation in (*RELATIONS.get(resource.type, ()), *_template_relations(resource), owned_by):
            for found in relation(resource, context):
                key = (found.source, found.target, found.kind)
                if key not in seen and found.source != found.target:
                    seen.add(key)
                    yield found


def _secret_sources(resources: Sequence[Resource]) -> dict[tuple[str, str | None, str], Resource]:
    sources = {}
    for resource in resources:
        if resource.type == "ExternalSecret":
            target = resource.get("spec", "target", "name", default=resource.name)
            if isinstance(target, str):
                sources.setdefault((resource.configuration, namespace_of(resource), target), resource)
        for name in secrets_written(resource):  # what an operator writes for its data store's clients
            sources.setdefault((resource.configuration, namespace_of(resource), name), resource)
        written = resource.get("spec", "writeConnectionSecretToRef")  # a Crossplane resource's credentials
        if isinstance(written, Mapping) and isinstance(written.get("name"), str):
            space = written.get("namespace") if isinstance(written.get("namespace"), str) else None
            key = (resource.configuration, space or namespace_of(resource) or "default", written["name"])
            sources.setdefault(key, resource)
    return sources


def _template_relations(resource: Resource) -> tuple[Relation, ...]:
    return (pod_spec_references,) if resource.type in POD_TEMPLATES else ()


# --- services and routing ---------------------------------------------------------------------------


def service_selects(service: Resource, context: Context) -> Iterator[Edge]:
    for target in context.pods.select(service, service.get("spec", "selector"), empty_selects_all=False):
        yield edge(service, target, "selects", ("spec", "selector"))


def ingress_routes(ingress: Resource, context: Context) -> Iterator[Edge]:
    spec: AttrPath = ("spec",)
    backends: list[AttrPath] = [(*spec, "defaultBackend"), (*spec, "backend")]
    for i, rule in enumerate(ingress.get("spec", "rules", default=[]) or []):
        paths = rule.get("http", {}).get("paths", []) if isinstance(rule, Mapping) else []
        backends += [(*spec, "rules", i, "http", "paths", j, "backend") for j in range(len(paths or []))]
    for path in backends:
        yield from link(
            context,
            ingress,
            "Service",
            "routes-to",
            ingress.get(*path, "service", "name"),
            (*path, "service", "name"),
        )
        yield from link(
            context,
            ingress,
            "Service",
            "routes-to",
            ingress.get(*path, "serviceName"),
            (*path, "serviceName"),
        )
        resource_ref = ingress.get(*path, "resource")
        if isinstance(resource_ref, Mapping):
            yield from link(
                context,
                ingress,
                str(resource_ref.get("kind")),
                "routes-to",
                resource_ref.get("name"),
                (*path, "resource"),
            )


def ingress_class(ingress: Resource, context: Context) -> Iterator[Edge]:
    yield from link(
        context,
        ingress,
        "IngressClass",
        "uses-ingress-class",
        ingress.get("spec", "ingressClassName"),
        ("spec", "ingressClassName"),
    )
    annotation = ("metadata", "annotations", "kubernetes.io/ingress.class")
    yield from link(
        context, ingress, "IngressClass", "uses-ingress-class", ingress.get(*annotation), annotation
    )


def route_refs(route: Resource, context: Context) -> Iterator[Edge]:
    for i, parent in enumerate(route.get("spec", "parentRefs", default=[]) or []):
        if isinstance(parent, Mapping):
            yield from link(
                context,
                route,
                str(parent.get("kind", "Gateway")),
                "attached-to",
                parent.get("name"),
                ("spec", "parentRefs", i),
                parent.get("namespace"),
            )
    for i, rule in enumerate(route.get("spec", "rules", default=[]) or []):
        refs = rule.get("backendRefs", []) if isinstance(rule, Mapping) else []
        for j, ref in enumerate(refs or []):
            if isinstance(ref, Mapping):
                yield from link(
                    context,
                    route,
                    str(ref.get("kind", "Service")),
                    "routes-to",
                    ref.get("name"),
                    ("spec", "rules", i, "backendRefs", j),
                    ref.get("namespace"),
                )


def gateway_class(gateway: Resource, context: Context) -> Iterator[Edge]:
    yield from link(
        context,
        gateway,
        "GatewayClass",
        "uses-gateway-class",
        gateway.get("spec", "gatewayClassName"),
        ("spec", "gatewayClassName"),
    )


# --- storage, scaling, policy -----------------------------------------------------------------------


def storage_class(volume: Resource, context: Context) -> Iterator[Edge]:
    path = ("spec", "storageClassName")
    yield from link(context, volume, "StorageClass", "uses-storage-class", volume.get(*path), path)


def claim_volume(claim: Resource, context: Context) -> Iterator[Edge]:
    path = ("spec", "volumeName")
    yield from link(context, claim, "PersistentVolume", "binds-volume", claim.get(*path), path)


def scale_target(scaler: Resource, context: Context) -> Iterator[Edge]:
    for key in ("scaleTargetRef", "targetRef"):
        ref = scaler.get("spec", key)
        if isinstance(ref, Mapping):
            yield from link(
                context, scaler, str(ref.get("kind", "Deployment")), "scales", ref.get("name"), ("spec", key)
            )


def disruption_budget(budget: Resource, context: Context) -> Iterator[Edge]:
    for target in context.pods.select(budget, budget.get("spec", "selector"), empty_selects_all=True):
        yield edge(budget, target, "protects", ("spec", "selector"))


def network_policy(policy: Resource, context: Context) -> Iterator[Edge]:
    for target in context.pods.select(policy, policy.get("spec", "podSelector"), empty_selects_all=True):
        yield edge(policy, target, "applies-to", ("spec", "podSelector"))


def role_binding(binding: Resource, context: Context) -> Iterator[Edge]:
    role = binding.get("roleRef")
    if isinstance(role, Mapping):
        yield from link(context, binding, str(role.get("kind")), "binds-role", role.get("name"), ("roleRef",))
    for i, subject in enumerate(binding.get("subjects", default=[]) or []):
        if isinstance(subject, Mapping) and subject.get("kind") == "ServiceAccount":
            yield from link(
                context,
                binding,
                "ServiceAccount",
                "binds-subject",
                subject.get("name"),
                ("subjects", i),
                subject.get("namespace"),
            )


def owned_by(resource: Resource, context: Context) -> Iterator[Edge]:
    for i, owner in enumerate(resource.get("metadata", "ownerReferences", default=[]) or []):
        if isinstance(owner, Mapping):
            yield from link(
                context,
                resource,
                str(owner.get("kind")),
                "owned-by",
                owner.get("name"),
                ("metadata", "ownerReferences", i),
            )


def secret_store(external: Resource, context: Context) -> Iterator[Edge]:
    ref = external.get("spec", "secretStoreRef")
    if isinstance(ref, Mapping):
        yield from link(
            context,
            external,
            str(ref.get("kind", "SecretStore")),
            "uses-secret-store",
            ref.get("name"),
            ("spec", "secretStoreRef"),
        )


def created_by(secret: Resource, context: Context) -> Iterator[Edge]:
    creator = context.secret_sources.get((secret.configuration, namespace_of(secret), secret.name))
    if creator is not None:
        yield edge(secret, creator, "created-by", ("metadata", "name"), note="target of the ExternalSecret")


Relation = Callable[[Resource, Context], Iterator[Edge]]


def chart_source(release: Resource, context: Context) -> Iterator[Edge]:
    chart = remote_chart(release)
    if chart is not None and chart.source_ref is not None:
        kind, name, namespace = chart.source_ref
        path = (*chart.path[:-1], "sourceRef") if chart.path[-1] == "chart" else chart.path
        yield from link(context, release, kind, "uses-chart-source", name, path, namespace)


def values_from(release: Resource, context: Context) -> Iterator[Edge]:
    for index, item in enumerate(release.get("spec", "valuesFrom", default=[]) or []):
        kind = item.get("kind") if isinstance(item, Mapping) else None
        if kind in ("ConfigMap", "Secret"):
            edge_kind = "uses-configmap" if kind == "ConfigMap" else "uses-secret"
            yield from link(
                context, release, kind, edge_kind, item.get("name"), ("spec", "valuesFrom", index)
            )


def release_claims(release: Resource, context: Context) -> Iterator[Edge]:
    """The chart's pods run where the release installs it (``install_namespace``)."""
    namespace = install_namespace(release)
    for volume in release_volumes(release):
        if volume.claim is not None:
            yield from link(
                context,
                release,
                "PersistentVolumeClaim",
                "claims-volume",
                volume.claim,
                volume.path,
                namespace,
            )


def release_secrets(release: Resource, context: Context) -> Iterator[Edge]:
    """The Secrets a chart's values have its pods read, in the namespace the chart goes to."""
    namespace = install_namespace(release) or namespace_of(release)
    for name, path in release_secrets_named(release):
        yield from secret_use(release, context, name, path, namespace)


RELATIONS: dict[str, tuple[Relation, ...]] = {
    "Service": (service_selects,),
    "Ingress": (ingress_routes, ingress_class),
    **{kind: (route_refs,) for kind in ROUTE_KINDS},
    "Gateway": (gateway_class,),
    "StatefulSet": (claim_templates,),
    "PersistentVolumeClaim": (storage_class, claim_volume),
    "PersistentVolume": (storage_class,),
    "HorizontalPodAutoscaler": (scale_target,),
    "VerticalPodAutoscaler": (scale_target,),
    "ScaledObject": (scale_target,),
    "PodDisruptionBudget": (disruption_budget,),
    "NetworkPolicy": (network_policy,),
    "RoleBinding": (role_binding,),
    "ClusterRoleBinding": (role_binding,),
    "ExternalSecret": (secret_store,),
    "Secret": (created_by,),
    "HelmRelease": (chart_source, values_from, release_claims, release_secrets),
    "Application": (release_claims, release_secrets),
    "ApplicationSet": (release_claims, release_secrets),
}
