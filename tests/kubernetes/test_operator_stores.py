"""A data store an operator runs (a CloudNativePG Cluster, a Strimzi Kafka) is one custom resource in the
repository: it is a workload of its own that owns state when it asks for volumes, its parts join it, the
apps that read the Secrets the operator writes depend on it, and its runbook moves it the operator's way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from graph.factories import k8s

from exitplan.api import scan
from exitplan.cli import main
from exitplan.errors import CatalogError
from exitplan.knowledge.operator_stores import (
    instances,
    operator_kind,
    protection,
    read_operator_stores,
    recognise_operator,
)
from exitplan.plan import map_resource

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "operators"


@pytest.fixture(scope="module")
def report():
    return scan([str(FIXTURE)])


@pytest.fixture(scope="module")
def runbooks(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("operators-plan")
    result = CliRunner().invoke(
        main,
        [
            "plan",
            str(FIXTURE),
            "--target",
            "ovhcloud",
            "--out",
            str(out),
            "--no-cache",
            "--date",
            "2026-12-03",
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def _workloads(report) -> dict[str, tuple[str, list[str]]]:
    return {
        s.workload.name: (s.state, sorted(rid.split("#")[1] for rid in s.workload.resources))
        for s in report.workloads
    }


def test_each_store_is_a_workload_with_its_parts_and_its_state(report):
    assert _workloads(report) == {
        "billing-db": (
            "owns-state",
            [
                "Cluster/billing/billing-db",
                "Pooler/billing/billing-db-pooler-rw",
                "ScheduledBackup/billing/billing-db-nightly",
            ],
        ),
        "billing-cache": ("ephemeral-state", ["Dragonfly/billing/billing-cache"]),
        # it reads billing-db's Secret: state held by another workload (the cache it names keeps none)
        "billing-api": (
            "depends-on-state",
            ["Deployment/billing/billing-api", "Service/billing/billing-api"],
        ),
        "events-kafka": (  # named with its role: the name alone says nothing of what it is
            "owns-state",
            ["Kafka/events/events", "KafkaNodePool/events/brokers", "KafkaTopic/events/invoices"],
        ),
        # the consumer reads the KafkaUser's Secret: its credentials go with it
        "ledger-consumer": (
            "depends-on-state",  # it reads from the Kafka cluster, which keeps its data
            ["Deployment/events/ledger-consumer", "KafkaUser/events/ledger-consumer"],
        ),
        "audit-elasticsearch": ("owns-state", ["Elasticsearch/search/audit"]),
        "jobs-rabbitmq": ("owns-state", ["RabbitmqCluster/search/jobs"]),
    }


def test_parts_and_the_secrets_the_operator_writes_are_edges(report):
    edges = {
        (e.source.split("#")[1], e.target.split("#")[1], e.kind, e.line)
        for e in report.edges
        if e.kind in ("part-of", "uses-secret")
    }
    assert edges == {
        ("Pooler/billing/billing-db-pooler-rw", "Cluster/billing/billing-db", "part-of", 40),
        ("ScheduledBackup/billing/billing-db-nightly", "Cluster/billing/billing-db", "part-of", 32),
        ("KafkaNodePool/events/brokers", "Kafka/events/events", "part-of", 6),
        ("KafkaTopic/events/invoices", "Kafka/events/events", "part-of", 6),
        ("KafkaUser/events/ledger-consumer", "Kafka/events/events", "part-of", 16),
        # DATABASE_URL from billing-db-app, which CloudNativePG writes
        ("Deployment/billing/billing-api", "Cluster/billing/billing-db", "uses-secret", 27),
        ("Deployment/events/ledger-consumer", "KafkaUser/events/ledger-consumer", "uses-secret", 23),
    }


def test_the_store_is_classified_by_its_role_and_moves_with_the_data(report):
    cluster = report.resource("billing#Cluster/billing/billing-db")
    assert (cluster.service_kind, cluster.interface, cluster.stateful, cluster.cloud) == (
        "relational-database",
        "postgresql",
        True,
        None,
    )
    kafka = report.resource("events#Kafka/events/events")
    assert (kafka.service_kind, kafka.stateful) == ("kafka", True)  # its node pool's volumes
    cache = report.resource("billing#Dragonfly/billing/billing-cache")
    assert (cache.service_kind, cache.stateful) == ("cache", False)


def test_the_evidence_names_the_kind_and_each_volume_with_its_line(report):
    scores = {s.workload.name: s for s in report.workloads}
    store = scores["billing-db"].data_store
    assert store.role == "postgresql" and store.persistent
    assert [(e.kind, e.text, e.file, e.line) for e in store.evidence] == [
        ("kind", "the kind Cluster of postgresql.cnpg.io (CloudNativePG)", "billing/database.yaml", 3),
        ("storage", "volumes asked for at spec.storage (50Gi)", "billing/database.yaml", 9),
        ("storage", "volumes asked for at spec.walStorage (10Gi)", "billing/database.yaml", 12),
    ]
    assert store.why.endswith("Its data is on the volumes the operator claims for it, so the data persists.")
    events = scores["events-kafka"].data_store
    assert events.evidence[1].text == "volumes asked for at spec.storage (100Gi) of the KafkaNodePool brokers"
    assert scores["audit-elasticsearch"].data_store.evidence[1].text == (
        "volumes asked for at spec.nodeSets[0].volumeClaimTemplates (200Gi)"
    )
    cache = scores["billing-cache"].data_store
    assert not cache.persistent and cache.storage == "no volume (the resource asks for none)"


def _store(manifest: dict):
    return recognise_operator(k8s(manifest))


@pytest.mark.parametrize(
    ("spec", "persistent"),
    [
        ({"kafka": {"storage": {"type": "ephemeral"}}}, False),
        ({"kafka": {"storage": {"type": "persistent-claim", "size": "100Gi"}}}, True),
        ({"kafka": {"storage": {"type": "jbod", "volumes": [{"type": "persistent-claim"}]}}}, True),
        ({"kafka": {}}, False),  # node pools hold the storage; none here
    ],
)
def test_strimzi_storage_types(spec, persistent):
    store = _store(
        {"apiVersion": "kafka.strimzi.io/v1beta2", "kind": "Kafka", "metadata": {"name": "k"}, "spec": spec}
    )
    assert store is not None and store.persistent is persistent


@pytest.mark.parametrize(
    ("api_version", "kind", "spec", "persistent"),
    [
        ("rabbitmq.com/v1beta1", "RabbitmqCluster", {"persistence": {"storage": "0Gi"}}, False),
        ("k8s.mariadb.com/v1alpha1", "MariaDB", {"storage": {"ephemeral": True}}, False),
        ("k8s.mariadb.com/v1alpha1", "MariaDB", {"storage": {"size": "1Gi"}}, True),
        ("pxc.percona.com/v1", "PerconaXtraDBCluster", {"pxc": {"volumeSpec": {"emptyDir": {}}}}, False),
        ("cache.cs.sap.com/v1alpha1", "Valkey", {"persistence": {"enabled": False}}, False),
        ("dragonflydb.io/v1alpha1", "Dragonfly", {"snapshot": {"dir": "s3://backups/df"}}, True),
        ("monitoring.coreos.com/v1", "Prometheus", {"storage": {"emptyDir": {"medium": "Memory"}}}, False),
        (
            "monitoring.coreos.com/v1",
            "Prometheus",
            {"storage": {"volumeClaimTemplate": {"spec": {"resources": {"requests": {"storage": "40Gi"}}}}}},
            True,
        ),
        # the operator refuses the resource without storage: it is persistent as written
        ("acid.zalan.do/v1", "postgresql", {}, True),
    ],
)
def test_what_says_no_volume(api_version, kind, spec, persistent):
    manifest = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "s"}, "spec": spec}
    assert _store(manifest).persistent is persistent


def test_a_store_the_operator_gives_volumes_by_default_persists_without_asking():
    store = _store(
        {"apiVersion": "rabbitmq.com/v1beta1", "kind": "RabbitmqCluster", "metadata": {"name": "q"}}
    )
    assert (
        store.persistent
        and store.storage == "the volumes RabbitMQ Cluster Operator claims when none are asked for"
    )


def test_a_kind_of_another_api_group_is_no_store():
    cluster_api = {"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster", "metadata": {"name": "c"}}
    assert operator_kind(k8s(cluster_api)) is None and _store(cluster_api) is None
    assert _store({"apiVersion": "v1", "kind": "Cluster", "metadata": {"name": "c"}}) is None


def test_replicas_and_backups_are_read_where_the_operator_keeps_them(report):
    cluster = report.resource("billing#Cluster/billing/billing-db")
    backup = report.resource("billing#ScheduledBackup/billing/billing-db-nightly")
    assert instances(cluster) == 3
    assert protection(cluster, [backup]) == [
        "backups configured at spec.backup",
        "ScheduledBackup billing-db-nightly (0 0 2 * * *)",
    ]


def test_the_plan_moves_the_store_the_operators_way(report, runbooks):
    from exitplan.knowledge.targets import load_targets

    cluster = report.resource("billing#Cluster/billing/billing-db")
    mapping = map_resource(cluster, load_targets()["ovhcloud"])
    assert mapping.method.startswith("CloudNativePG on the target cluster, the new Cluster bootstrapped")
    data = json.loads((runbooks / "exitplan.json").read_text())
    methods = {m["resource"]: m["method"] for m in data["plan"]["mapping"]}
    assert methods["events#Kafka/events/events"].startswith("Strimzi on the target cluster and MirrorMaker 2")
    waves = {rid: w["index"] for w in data["plan"]["waves"] for rid in w["resources"]}
    assert waves["billing#Cluster/billing/billing-db"] < waves["billing#Deployment/billing/billing-api"]


def test_the_runbook_uses_the_cloudnative_pg_procedure_with_the_names_filled(runbooks):
    text = (runbooks / "workloads" / "billing-db.md").read_text()
    assert "### 1. PostgreSQL cluster run by CloudNativePG" in text
    assert "kubectl cnpg --context <SOURCE_CONTEXT> status billing-db --namespace billing" in text
    assert "| `billing/database.yaml:9` |" in text  # the storage evidence
    plan = (runbooks / "EXIT-PLAN.md").read_text()
    assert (
        "| billing-db | 3 | no | no | Cluster/billing/billing-db: backups configured at spec.backup, "
        "ScheduledBackup billing-db-nightly (0 0 2 \\* \\* \\*) |"
    ) in plan


_ENTRY = {
    "operator": "CloudNativePG",
    "api_group": "postgresql.cnpg.io",
    "kind": "Cluster",
    "role": "postgresql",
    "interface": "postgresql",
    "persistent_without_storage": True,
    "move": "CloudNativePG on the target",
}


def _read_catalog(tmp_path, *entries):
    path = tmp_path / "operator-stores.yaml"
    path.write_text(json.dumps({"schema_version": 1, "operators": list(entries)}))
    return read_operator_stores(path)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"role": "postgres"}, r"operators\[0\]\.role: unknown data-store role 'postgres'"),
        (
            {"persistent_without_storage": "yes"},
            r"operators\[0\]\.persistent_without_storage: must be true or false",
        ),
        ({"secrets": ["app-secret"]}, r"operators\[0\]\.secrets\[0\]: must be a name with \{name\} in it"),
        ({"storage": ["spec..storage"]}, r"operators\[0\]\.storage\[0\]: must be a dotted path"),
        (
            {"parts": [{"kind": "Backup", "name_at": "spec.cluster.name", "label": "x"}]},
            r"operators\[0\]\.parts\[0\]: needs one of name_at",
        ),
        ({"colour": "blue"}, r"operators\[0\]\.colour: unknown key"),
        ({"interface": "pg"}, r"operators\[0\]\.interface: unknown interface 'pg'"),
    ],
)
def test_a_malformed_catalog_names_the_file_and_the_key(tmp_path, entry, problem):
    with pytest.raises(CatalogError, match=rf"operator-stores.yaml: {problem}"):
        _read_catalog(tmp_path, {**_ENTRY, **entry})


def test_a_kind_listed_twice_is_refused(tmp_path):
    with pytest.raises(
        CatalogError, match=r"operators\[1\]\.kind: Cluster of postgresql.cnpg.io is listed twice"
    ):
        _read_catalog(tmp_path, _ENTRY, _ENTRY)


def test_apps_naming_a_service_the_operator_makes_connect_to_the_store(report):
    edges = {
        (e.source.split("#")[1], e.target.split("#")[1], e.line, e.confidence)
        for e in report.edges
        if e.kind == "connects-to"
    }
    assert edges == {
        # CACHE_ADDR: billing-cache.billing.svc:6379 and KAFKA_BOOTSTRAP_SERVERS: events-kafka-bootstrap:9092
        ("Deployment/billing/billing-api", "Dragonfly/billing/billing-cache", 30, "inferred"),
        ("Deployment/events/ledger-consumer", "Kafka/events/events", 19, "inferred"),
    }


@pytest.mark.parametrize(
    ("value", "linked"),
    [
        ("postgresql://app@billing-db-rw:5432/billing", True),
        ("billing-db-rw.billing.svc.cluster.local", True),
        ("billing-db-ro.billing", True),
        ("billing-db-rw.other", False),  # another namespace
        ("billing-db-rw.billing.example.com", False),  # not the cluster's DNS
        ("billing-db", False),  # the resource's name is not one of its Services
        ("my-billing-db-rw", False),
    ],
)
def test_which_host_names_are_the_stores_services(value, linked):
    from exitplan.graph.edges_operators import operator_edges

    cluster = k8s(
        {
            "apiVersion": "postgresql.cnpg.io/v1",
            "kind": "Cluster",
            "metadata": {"name": "billing-db", "namespace": "billing"},
        }
    )
    app = k8s(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "api", "namespace": "billing"},
            "spec": {
                "template": {"spec": {"containers": [{"name": "a", "env": [{"name": "DB", "value": value}]}]}}
            },
        }
    )
    found = [(e.source, e.target) for e in operator_edges([cluster, app]) if e.kind == "connects-to"]
    assert found == ([(app.id, cluster.id)] if linked else [])


def _cluster(configuration: str):
    manifest = {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": {"name": "shared-db", "namespace": "databases"},
    }
    return k8s(manifest, configuration=configuration)


def _app(value: str):
    container = {"name": "a", "env": [{"name": "DB_HOST", "value": value}]}
    manifest = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "teslamate", "namespace": "home"},
        "spec": {"template": {"spec": {"containers": [container]}}},
    }
    return k8s(manifest, configuration="apps/teslamate")


@pytest.mark.parametrize(
    ("value", "clusters", "linked"),
    [
        # the cluster's DNS name of a database another folder deploys
        ("shared-db-rw.databases.svc.cluster.local", ["apps/databases"], True),
        ("postgresql://u@shared-db-rw.databases:5432/app", ["apps/databases"], True),
        ("shared-db-rw", ["apps/databases"], False),  # a bare name is the app's own namespace and folder
        ("shared-db-rw.databases.svc", ["clusters/main/db", "clusters/lab/db"], False),  # which of the two?
    ],
)
def test_a_host_with_its_namespace_reaches_a_store_of_another_configuration(value, clusters, linked):
    from exitplan.graph.edges_operators import operator_edges

    stores = [_cluster(configuration) for configuration in clusters]
    app = _app(value)
    found = [(e.source, e.target) for e in operator_edges([*stores, app]) if e.kind == "connects-to"]
    assert found == ([(app.id, stores[0].id)] if linked else [])
