from dataclasses import replace

from exitplan.graph.build import terraform_reference_edges
from exitplan.graph.needs import Needs
from exitplan.graph.workloads import group_workloads, load_roles
from exitplan.model import Edge
from tests.factories import k8s, pod_spec, tf


def _instance(resource, index):
    address = f"{resource.address}[{index}]"
    return replace(resource, address=address, id=f"{resource.configuration}#{address}")


def _group(resources, extra_edges=()):
    edges = [*terraform_reference_edges(resources), *extra_edges]
    return {w.id: w for w in group_workloads(Needs(resources, edges), load_roles())}


def test_lambda_owns_its_queue_through_the_event_source_mapping():
    resources = [
        tf(
            "aws_lambda_function",
            "worker",
            module='module.jobs["thumbnails"]',
            service_kind="faas",
            refs=['module.jobs["thumbnails"].aws_iam_role.worker'],
        ),
        tf("aws_iam_role", "worker", module='module.jobs["thumbnails"]', service_kind="identity"),
        tf(
            "aws_lambda_event_source_mapping",
            "sqs",
            module='module.jobs["thumbnails"]',
            service_kind="faas-trigger",
            refs=[
                'module.jobs["thumbnails"].aws_lambda_function.worker',
                'module.jobs["thumbnails"].aws_sqs_queue.jobs',
            ],
        ),
        tf(
            "aws_sqs_queue",
            "jobs",
            module='module.jobs["thumbnails"]',
            service_kind="message-queue",
            stateful=True,
            refs=['module.jobs["thumbnails"].aws_sqs_queue.dlq'],
        ),
        tf(
            "aws_sqs_queue",
            "dlq",
            module='module.jobs["thumbnails"]',
            service_kind="message-queue",
            stateful=True,
        ),
        tf("aws_vpc", "main", service_kind="network"),
    ]
    workloads = _group(resources)
    assert set(workloads) == {"thumbnails-worker", "platform"}
    assert workloads["thumbnails-worker"].resources == tuple(
        sorted(r.id for r in resources if r.type != "aws_vpc")
    )
    assert workloads["platform"].resources == ("infra#aws_vpc.main",)


def test_shared_database_is_listed_in_each_consumer_and_flagged_shared():
    db = tf("aws_db_instance", "orders", service_kind="relational-database", stateful=True)
    api = k8s("Deployment", "api", spec=pod_spec("shop/api:1"))
    web = k8s("Deployment", "web", spec=pod_spec("shop/web:1"))
    svc = k8s("Service", "api")
    edges = [
        Edge(api.id, db.id, "endpoint", confidence="inferred"),
        Edge(web.id, db.id, "endpoint", confidence="inferred"),
        Edge(svc.id, api.id, "selects"),
    ]
    workloads = _group([db, api, web, svc], edges)
    assert workloads["api"].resources == tuple(sorted([api.id, db.id, svc.id]))
    assert workloads["api"].shared == (db.id,)
    assert workloads["web"].shared == (db.id,)


def test_unused_backing_service_joins_the_platform_with_the_leftovers():
    bucket = tf("aws_s3_bucket", "logs", service_kind="object-storage", stateful=True)
    policy = tf("aws_iam_policy", "unused", service_kind="identity")
    zone = tf("aws_route53_zone", "main", service_kind="dns")
    workloads = _group([bucket, policy, zone])
    assert set(workloads) == {"platform"}
    assert workloads["platform"].resources == tuple(sorted([bucket.id, policy.id, zone.id]))


def test_same_controller_in_sibling_environment_folders_is_one_workload_in_two_variants():
    a = k8s("Deployment", "api", configuration="overlays/prod", spec=pod_spec("api:1"))
    b = k8s("Deployment", "api", configuration="overlays/staging", spec=pod_spec("api:2"))
    workloads = _group([a, b])
    assert set(workloads) == {"api"}
    assert [(v.configuration, v.resources) for v in workloads["api"].variants] == [
        ("overlays/prod", (a.id,)),
        ("overlays/staging", (b.id,)),
    ]


def test_same_name_in_unrelated_folders_gets_the_folder_as_qualifier():
    a = k8s("Deployment", "api", configuration="examples/store", spec=pod_spec("store/api:1"))
    b = k8s("Deployment", "api", configuration="examples/blog", spec=pod_spec("blog/api:1"))
    assert set(_group([a, b])) == {"api-store", "api-blog"}


def test_owned_pods_do_not_anchor_workloads():
    owned = k8s("Pod", "api-5d9c", spec=None)
    owned = owned.__class__(
        **{
            **owned.__dict__,
            "attributes": {
                "kind": "Pod",
                "metadata": {"name": "api-5d9c", "ownerReferences": [{"kind": "ReplicaSet", "name": "api"}]},
            },
        }
    )
    bare = k8s("Pod", "debug")
    workloads = _group([owned, bare])
    assert set(workloads) == {"debug", "platform"}
    assert workloads["platform"].resources == (owned.id,)


def test_parts_of_a_function_join_it_instead_of_anchoring_workloads():
    module = 'module.jobs["invoices"]'
    fn = tf("aws_lambda_function", "worker", module=module, service_kind="faas")
    mapping = tf(
        "aws_lambda_event_source_mapping",
        "jobs",
        module=module,
        service_kind="faas",
        refs=[f"{module}.aws_lambda_function.worker", f"{module}.aws_sqs_queue.jobs"],
    )
    permission = tf(
        "aws_lambda_permission",
        "sns",
        module=module,
        service_kind="faas",
        refs=[f"{module}.aws_lambda_function.worker"],
    )
    queue = tf("aws_sqs_queue", "jobs", module=module, service_kind="message-queue", stateful=True)
    workloads = _group([fn, mapping, permission, queue])
    assert set(workloads) == {"invoices-worker"}
    assert workloads["invoices-worker"].resources == tuple(
        sorted(r.id for r in (fn, mapping, permission, queue))
    )


def test_a_front_attaches_to_its_most_specific_owned_resource():
    api = k8s("Deployment", "api", spec=pod_spec("api:1"))
    web = k8s("Deployment", "web", spec=pod_spec("web:1"))
    role = tf("aws_iam_role", "api", service_kind="identity")
    key = tf("aws_kms_key", "data", service_kind="key-management", stateful=True)
    policy = tf(
        "aws_iam_role_policy", "api", service_kind="identity", refs=["aws_iam_role.api", "aws_kms_key.data"]
    )
    edges = [Edge(api.id, role.id, "assumes-identity"), Edge(api.id, key.id, "x"), Edge(web.id, key.id, "x")]
    workloads = _group([api, web, role, key, policy], edges)
    assert policy.id in workloads["api"].resources
    assert policy.id not in workloads["web"].resources
    assert workloads["web"].resources == tuple(sorted([web.id, key.id]))


def test_a_cluster_add_on_stays_with_its_cluster_when_a_storage_class_needs_it():
    cluster = tf("aws_eks_cluster", "main", service_kind="kubernetes-cluster")
    addon = tf(
        "aws_eks_addon",
        "ebs_csi",
        service_kind="kubernetes-cluster",
        refs=["aws_eks_cluster.main", "aws_iam_role.ebs_csi"],
    )
    role = tf("aws_iam_role", "ebs_csi", service_kind="identity")
    storage = k8s("StorageClass", "gp3", namespace=None)
    redis = k8s("StatefulSet", "redis", spec=pod_spec("redis:7.2"))
    edges = [Edge(redis.id, storage.id, "uses-storage-class"), Edge(storage.id, addon.id, "provided-by")]
    workloads = _group([cluster, addon, role, storage, redis], edges)
    assert workloads["eks-cluster-main"].resources == tuple(sorted([cluster.id, addon.id, role.id]))
    assert workloads["redis"].resources == tuple(sorted([redis.id, storage.id]))


def test_servers_anchor_their_workload_and_their_placement_group_joins_it():
    group = tf("hcloud_placement_group", "spread", service_kind="vm")
    api = tf("hcloud_server", "api", service_kind="vm", refs=["hcloud_placement_group.spread"])
    docs = tf("ssm", "patching", service_kind="vm")  # not a supporting type: anchors as before
    baseline = tf("aws_ssm_patch_baseline", "os", service_kind="vm")
    workloads = _group([group, api, docs, baseline])
    assert workloads["api"].anchor == api.id
    assert set(workloads["api"].resources) == {api.id, group.id}
    assert workloads["patching"].anchor == docs.id
    assert all(w.anchor != baseline.id and w.anchor != group.id for w in workloads.values())


def test_workloads_of_one_name_in_two_module_calls_are_told_apart_by_the_calls():
    web = [tf("aws_instance", "web", module=f"module.{call}", service_kind="vm") for call in ("shop", "blog")]
    counted = [
        _instance(tf("aws_instance", "api", module="module.edge", service_kind="vm"), i) for i in (0, 1)
    ]
    other = tf("aws_instance", "api", module="module.core", service_kind="vm")
    assert sorted(_group([*web, *counted, other])) == ["api-core", "api-edge", "web-blog", "web-shop"]


def test_what_nobody_uses_goes_with_the_one_component_deployed_beside_it():
    def at(resource, folder):
        return replace(resource, file=f"{folder}/{resource.name}.yaml")

    resources = [
        # a GitOps app folder that is its own configuration: one controller and what goes with it
        k8s("Deployment", "wiki", configuration="apps/wiki", spec=pod_spec("wiki:2")),
        k8s("ExternalSecret", "wiki", configuration="apps/wiki"),
        k8s("PrometheusRule", "wiki-alerts", configuration="apps/wiki"),
        k8s("Application", "bootstrap", configuration="apps/wiki"),  # a deployer is nobody's part
        # loose manifests of many folders in one configuration: only a folder's own component adopts
        at(k8s("Deployment", "exporter", configuration=".", spec=pod_spec("exporter:1")), "extras/probes"),
        at(k8s("PodMonitoring", "probe", configuration="."), "extras/probes"),
        at(k8s("VirtualService", "ingress", configuration="."), "extras/istio"),
        # two components beside it: nobody's
        k8s("Deployment", "api", configuration="apps/shop", spec=pod_spec("api:1")),
        k8s("Deployment", "web", configuration="apps/shop", spec=pod_spec("web:1")),
        k8s("ServiceMonitor", "shop", configuration="apps/shop"),
    ]
    workloads = {name: w.resources for name, w in _group(resources).items()}
    assert workloads["wiki"] == (
        "apps/wiki#Deployment/shop/wiki",
        "apps/wiki#ExternalSecret/shop/wiki",
        "apps/wiki#PrometheusRule/shop/wiki-alerts",
    )
    assert workloads["exporter"] == (".#Deployment/shop/exporter", ".#PodMonitoring/shop/probe")
    platforms = {name: ids for name, ids in workloads.items() if name.startswith("platform")}
    assert sorted(platforms.values()) == [
        (".#VirtualService/shop/ingress",),
        ("apps/shop#ServiceMonitor/shop/shop",),
        ("apps/wiki#Application/shop/bootstrap",),
    ]
    assert workloads["api"] == ("apps/shop#Deployment/shop/api",)
