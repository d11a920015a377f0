"""Data-store roles recognised from evidence, and the state class their storage gives (issue 11 §4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from exitplan.cli import main
from exitplan.errors import CatalogError
from exitplan.knowledge.data_stores import load_data_stores, read_data_stores, recognise
from tests.factories import k8s

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "realworld" / "data-stores"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def workloads() -> dict[str, dict]:
    result = run("scan", FIXTURE, "--format", "json", "--no-cache")
    assert result.exit_code == 0, result.output
    return {w["name"]: w for w in json.loads(result.stdout)["workloads"]}


def _evidence(workload: dict) -> list[tuple]:
    return [(e["kind"], e["text"], e["file"], e["line"]) for e in workload["data_store"]["evidence"]]


def test_a_demo_image_postgresql_without_a_volume_is_ephemeral_with_its_evidence(workloads):
    postgresql = workloads["postgresql"]
    assert (postgresql["state"], postgresql["data_store"]["role"]) == ("ephemeral-state", "postgresql")
    assert _evidence(postgresql) == [
        (
            "image",
            "image ghcr.io/example/storefront-demo:1.2-postgresql (tag ends in -postgresql)",
            "postgresql.yaml",
            34,
        ),
        ("port", "container port 5432 (service)", "postgresql.yaml", 36),
        ("port", "Service postgresql port 5432", "postgresql.yaml", 12),
        ("env", "settings POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB", "postgresql.yaml", 38),
    ]
    store = postgresql["data_store"]
    assert (store["data_path"], store["data_path_from"], store["storage"], store["persistent"]) == (
        "/var/lib/postgresql/data",
        "role default",
        "no volume",
        False,
    )
    assert "not-a-real-password" not in json.dumps(postgresql)


def test_kafka_from_a_demo_image_is_ephemeral_and_its_client_is_not_a_broker(workloads):
    assert workloads["kafka"]["state"] == "ephemeral-state"
    assert workloads["kafka"]["data_store"]["label"] == "Kafka"
    # KAFKA_ADDR, POSTGRES_HOST and a proxy on 5432 are what a client sets: no data-store role
    assert workloads["checkout"]["state"] == "stateless"
    assert "data_store" not in workloads["checkout"]


def test_an_opensearch_statefulset_without_claim_templates_is_ephemeral_not_owned(workloads):
    opensearch = workloads["opensearch"]
    assert opensearch["state"] == "ephemeral-state"
    assert opensearch["data_store"]["storage"] == "no volume"  # the emptyDir holds its config file only
    assert opensearch["data_store"]["data_path"] == "/usr/share/opensearch/data"
    assert not [f for f in opensearch["findings"] if f["rule"] == "EP203"]  # nothing persistent to copy


def test_a_postgresql_statefulset_with_claim_templates_owns_state(workloads):
    orders = workloads["orders-db"]
    assert orders["state"] == "owns-state"
    store = orders["data_store"]
    assert (store["data_path"], store["data_path_from"], store["storage"], store["persistent"]) == (
        "/var/lib/postgresql/data/pgdata",
        "setting",
        "volumeClaimTemplate data",
        True,
    )
    assert [f["rule"] for f in orders["findings"]] == ["EP203"]


def test_without_a_telling_image_port_settings_and_data_path_agree(workloads):
    ledger = workloads["ledger-store"]
    assert (ledger["state"], ledger["data_store"]["role"]) == ("ephemeral-state", "mysql")
    assert {e[0] for e in _evidence(ledger)} == {"port", "env", "data-path"}
    assert ledger["data_store"]["storage"] == "emptyDir volume scratch (in memory)"


def test_the_runbook_and_the_exit_plan_say_why(tmp_path):
    assert run("plan", FIXTURE, "--target", "openstack", "--out", tmp_path, "-q").exit_code == 0
    runbook = (tmp_path / "workloads" / "opensearch.md").read_text()
    assert (
        "**State: ephemeral-state.** Recognised as OpenSearch by image opensearchproject/opensearch:2.19.1; "
        "container port 9200 (http); Service opensearch port 9200; settings cluster.name, discovery.type, "
        "OPENSEARCH\\_JAVA\\_OPTS. Its data (at /usr/share/opensearch/data by default) is on no volume, so "
        "the data is lost when the pod is replaced. Nothing to copy today; decide whether this data should "
        "persist at the target."
    ) in runbook
    assert "| image opensearchproject/opensearch:2.19.1 | `opensearch.yaml:37` |" in runbook
    plan = (tmp_path / "EXIT-PLAN.md").read_text()
    assert "| `Deployment/default/postgresql` | postgresql | PostgreSQL, ephemeral state |" in plan
    assert (
        "| `StatefulSet/default/orders-db` | orders-db | PostgreSQL (StatefulSet) | 21.5 GB "
        "| orders-db.yaml:49: data requests 20Gi × 1 (replicas, orders-db.yaml:19) | 0.07 h (4 min) "
        "| in-cluster, /var/lib/postgresql/data/pgdata on volumeClaimTemplate data |"
    ) in plan


def _deployment(volume: dict | None, image: str = "redis:7.2", mount: str = "/data"):
    container = {"name": "c", "image": image, "volumeMounts": [{"name": "v", "mountPath": mount}]}
    spec = {"containers": [container], "volumes": [{"name": "v", **volume}] if volume else []}
    return k8s("Deployment", "cache", spec={"template": {"spec": spec}})


@pytest.mark.parametrize(
    ("volume", "storage", "persistent"),
    [
        ({"persistentVolumeClaim": {"claimName": "cache-data"}}, "persistentVolumeClaim cache-data", True),
        ({"hostPath": {"path": "/srv/redis"}}, "hostPath volume v", True),
        ({"awsElasticBlockStore": {"volumeID": "vol-1"}}, "awsElasticBlockStore volume v", True),
        ({"emptyDir": {}}, "emptyDir volume v", False),
        ({"configMap": {"name": "redis-conf"}}, "configMap volume v", False),
        (None, "volume v (not defined in the pod)", False),
    ],
)
def test_storage_under_the_data_path_decides_persistence(volume, storage, persistent):
    store = recognise(_deployment(volume), [], load_data_stores())
    assert (store.role, store.storage, store.persistent) == ("redis", storage, persistent)


def test_a_cache_that_keeps_nothing_on_disk_and_an_unrelated_image():
    store = recognise(_deployment(None, image="memcached:1.6", mount="/tmp"), [], load_data_stores())
    assert (store.role, store.data_path, store.storage) == ("memcached", None, "no volume")
    assert "It keeps its data in memory" in store.why
    assert recognise(_deployment(None, image="nginx:1.27"), [], load_data_stores()) is None
    # a one-segment path such as /data is too common to be evidence on its own
    assert (
        recognise(_deployment({"emptyDir": {}}, image="app:1", mount="/data"), [], load_data_stores()) is None
    )


def test_the_catalog_is_validated_with_file_and_key_path(tmp_path):
    path = tmp_path / "data-stores.yaml"
    path.write_text(
        "schema_version: 1\npersistent_volume_types: [hostPath]\nroles:\n"
        "  pg:\n    label: PostgreSQL\n    kind: relational-database\n    images: [postgres]\n"
        "    ports: [5432, http]\n"
    )
    with pytest.raises(CatalogError, match=r"data-stores.yaml: roles\.pg\.ports\[1\]: must be a port number"):
        read_data_stores(path)
    path.write_text(
        "schema_version: 1\npersistent_volume_types: [hostPath]\nroles:\n"
        "  pg:\n    label: PostgreSQL\n    kind: database\n    images: [postgres]\n"
    )
    with pytest.raises(CatalogError, match=r"roles\.pg\.kind: unknown service kind 'database'"):
        read_data_stores(path)
    path.write_text("schema_version: 1\npersistent_volume_types: [hostPath]\nroles:\n  pg:\n    lable: x\n")
    with pytest.raises(CatalogError, match=r"roles\.pg\.lable: unknown key"):
        read_data_stores(path)


def _pod(container: dict, volumes=()):
    spec = {"containers": [container], "volumes": list(volumes)}
    return k8s("Deployment", "db", spec={"template": {"spec": spec}})


def test_a_port_whose_number_and_name_are_the_roles_is_enough():
    user_db = _pod(
        {
            "name": "user-db",
            "image": "registry.example.org/shop/user-db:0.3",
            "ports": [{"name": "mongo", "containerPort": 27017}],
        }
    )
    store = recognise(user_db, [], load_data_stores())
    assert (store.role, store.storage, store.persistent) == ("mongodb", "no volume", False)
    unnamed = _pod(
        {"name": "api", "image": "registry.example.org/shop/api:1", "ports": [{"containerPort": 27017}]}
    )
    assert recognise(unnamed, [], load_data_stores()) is None


def test_a_role_without_known_data_paths_takes_a_persistent_volume_it_mounts():
    container = {
        "name": "documentdb",
        "image": "ghcr.io/example/documentdb-local:pg17-0.1",
        "ports": [{"containerPort": 10260}],
        "volumeMounts": [{"name": "cfg", "mountPath": "/etc/documentdb"}, {"name": "d", "mountPath": "/srv"}],
    }
    volumes = [
        {"name": "cfg", "configMap": {"name": "c"}},
        {"name": "d", "persistentVolumeClaim": {"claimName": "docs"}},
    ]
    store = recognise(_pod(container, volumes), [], load_data_stores())
    assert (store.storage, store.persistent, store.data_path) == ("persistentVolumeClaim docs", True, "/srv")
    assert store.data_path_from == "a persistent volume mounted in the container"
    assert "Its data path /srv is on persistentVolumeClaim docs, so the data persists." in store.why
    bare = recognise(_pod({**container, "volumeMounts": []}), [], load_data_stores())
    assert (bare.storage, bare.persistent, bare.data_path_from) == ("no volume", False, "not known")


def test_a_persistent_volume_elsewhere_than_the_default_data_path_holds_the_data():
    redis = _deployment({"persistentVolumeClaim": {"claimName": "redis"}}, mount="/redis-master-data")
    store = recognise(redis, [], load_data_stores())
    assert (store.data_path, store.storage, store.persistent) == (
        "/redis-master-data",
        "persistentVolumeClaim redis",
        True,
    )


def test_jobs_and_scripts_on_a_data_store_image_are_clients():
    loader = {"name": "load", "image": "postgres:16", "command": ["bash", "-c", "psql -f /seed.sql"]}
    job = k8s("Job", "seed", spec={"template": {"spec": {"containers": [loader]}}})
    assert recognise(job, [], load_data_stores()) is None
    assert recognise(_pod(loader), [], load_data_stores()) is None
    served = {**loader, "ports": [{"containerPort": 5432}]}
    assert recognise(_pod(served), [], load_data_stores()).role == "postgresql"


_ODD = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["name", "x"]), st.integers(), max_size=2),
)
_KEYS = st.sampled_from(
    ["name", "image", "ports", "env", "volumeMounts", "args", "command", "containerPort", "mountPath"]
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(_KEYS, st.one_of(_ODD, st.lists(st.dictionaries(_KEYS, _ODD, max_size=3), max_size=3))),
    st.one_of(_ODD, st.lists(st.dictionaries(st.sampled_from(["name", "emptyDir", "hostPath"]), _ODD))),
)
def test_recognition_never_raises_on_hand_written_pod_specs(container, volumes):
    resource = k8s(
        "StatefulSet", "odd", spec={"template": {"spec": {"containers": [container], "volumes": volumes}}}
    )
    store = recognise(resource, [], load_data_stores())
    assert store is None or store.evidence


def test_a_store_named_by_one_word_of_its_image_and_by_its_container_is_recognised(workloads):
    influxdb = workloads["monitoring-influxdb"]
    assert (influxdb["state"], influxdb["data_store"]["label"]) == ("ephemeral-state", "InfluxDB")
    assert _evidence(influxdb)[0] == (
        "image",
        "image registry.example.com/addons/heapster-influxdb-amd64:v1.1.1"
        " (a word of its name, and the container's name)",
        "influxdb.yaml",
        19,
    )
    # an exporter's image names Redis too, but its container is not called redis: a client
    assert workloads["cache-metrics"]["state"] == "stateless"
    assert "data_store" not in workloads["cache-metrics"]


def test_a_port_written_in_digits_int_does_not_read_is_no_port():
    # "²" is a digit to str.isdigit() but not a number int() reads (found by the test above)
    container = {
        "name": "db",
        "image": "postgres:16",
        "ports": [{"containerPort": "²"}, {"containerPort": "5432"}],
    }
    statefulset = k8s("StatefulSet", "db", spec={"template": {"spec": {"containers": [container]}}})
    assert recognise(statefulset, [], load_data_stores()).role == "postgresql"


def test_a_count_or_index_in_superscript_digits_is_not_a_number(tmp_path):
    (tmp_path / "main.tf").write_text(
        'variable "n" {\n  default = "²"\n}\n'
        'resource "aws_instance" "a" {\n  count         = var.n\n  instance_type = "m5.²xlarge"\n}\n'
        'output "x" {\n  value = ["a", "b"]["²"]\n}\n'
    )
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--format", "json", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert [r["address"] for r in json.loads(result.output)["resources"]] == ["aws_instance.a"]
