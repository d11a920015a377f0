"""Data-store sizes read from the code: the value that decides (tfvars over default, through a module),
StatefulSet claims × replicas, search and streaming volumes × nodes, cache memory from the node type, and
the unknown ones with the command that measures them."""

from pathlib import Path

import pytest

from exitplan.api import scan
from exitplan.config import Transfer
from exitplan.gravity.build import build_gravity
from exitplan.gravity.sizes import parse_human_size, quantity_bytes, region_id, transfer_hours
from exitplan.knowledge.targets import load_target

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gravity"


@pytest.fixture(scope="module")
def aws():
    report = scan([str(FIXTURES / "aws")])
    return {d.resource: d for d in build_gravity(report, load_target("openstack")).data}


def test_a_tfvars_override_through_a_module_decides_the_database_size(aws):
    db = aws["terraform#module.orders_db.aws_db_instance.this"]
    # 250 GiB from terraform.tfvars line 2, not the root default (20) nor the module default (10)
    assert db.size_gb == 268.435
    assert db.size_source.startswith("terraform/terraform.tfvars:2: allocated_storage = 250 GiB")
    assert "may grow to 1000 GiB (max_allocated_storage, terraform/modules/db/main.tf:15)" in db.size_source
    assert db.measure is None and db.region is None


def test_a_statefulset_claims_times_its_replicas(aws):
    postgres = aws[".#StatefulSet/media/postgres"]
    # (20 Gi + 1 Gi) × 3 replicas = 63 GiB = 67.646 GB
    assert postgres.size_gb == 67.646
    assert "k8s/stores.yaml:25: data requests 20Gi" in postgres.size_source
    assert "wal requests 1Gi × 3 (replicas, k8s/stores.yaml:8)" in postgres.size_source


def test_a_claim_in_decimal_units_and_one_without_storage(aws):
    assert aws[".#PersistentVolumeClaim/media/uploads"].size_gb == 0.5  # 500M is decimal
    unbound = aws[".#PersistentVolumeClaim/media/bound-elsewhere"]
    assert unbound.size_gb is None
    assert (
        unbound.measure == "kubectl get pvc bound-elsewhere -n media -o jsonpath='{.status.capacity.storage}'"
    )


def test_volumes_times_nodes_for_search_and_streaming(aws):
    search = aws["terraform#aws_opensearch_domain.search"]
    assert search.size_gb == 322.123  # 100 GiB × 3 nodes
    assert "× 3 (cluster_config.0.instance_count, terraform/main.tf:37)" in search.size_source
    events = aws["terraform#aws_msk_cluster.events"]
    assert events.size_gb == 3221.225  # 1000 GiB × 3 brokers
    assert aws["terraform#aws_ebs_volume.scratch"].size_gb == 536.871


def test_cache_size_is_node_memory_from_the_node_type(aws):
    cache = aws["terraform#aws_elasticache_replication_group.cache"]
    # cache.r6g.large: 13.07 GiB (unverified in the table) × 2 shards, the node type from the default
    assert cache.size_gb == 28.068
    assert cache.size_source.startswith("terraform/variables.tf:8: node_type = cache.r6g.large, 13.07 GiB")
    assert "(unverified size)" in cache.size_source


@pytest.mark.parametrize(
    ("resource", "command"),
    [
        (
            "terraform#aws_s3_bucket.media",
            "aws s3 ls s3://acme-media-originals --recursive --summarize | tail -n 2",
        ),
        (
            "terraform#aws_dynamodb_table.sessions",
            "aws dynamodb describe-table --table-name media-sessions --query Table.TableSizeBytes",
        ),
    ],
)
def test_unknown_sizes_carry_the_command_with_the_resource_name(aws, resource, command):
    store = aws[resource]
    assert store.size_gb is None and store.transfer_hours is None
    assert store.measure == command
    assert store.region == region_id(resource, set())


def test_aurora_is_unknown_and_measured_by_its_cluster_metric(aws):
    aurora = aws["terraform#aws_rds_cluster.reports"]
    assert aurora.size_gb is None
    assert "--metric-name VolumeBytesUsed" in aurora.measure
    assert "Name=DBClusterIdentifier,Value=media-reports" in aurora.measure


def test_azure_and_gcp_units():
    azure = {d.resource: d for d in build_gravity(scan([str(FIXTURES / "azure")]), load_target("ionos")).data}
    assert azure[".#azurerm_postgresql_flexible_server.orders"].size_gb == 68.719  # 65536 MiB
    assert azure[".#azurerm_storage_share.exports"].size_gb == 53.687  # quota 50 GiB
    cosmos = azure[".#azurerm_cosmosdb_account.catalog"]
    assert cosmos.size_gb is None
    assert "az cosmosdb show --name shop-catalog --resource-group rg-shop" in cosmos.measure
    gcp = {d.resource: d for d in build_gravity(scan([str(FIXTURES / "gcp")]), load_target("stackit")).data}
    assert gcp[".#google_sql_database_instance.orders"].size_gb == 107.374  # Google's GB is 2^30 bytes
    assert gcp[".#google_filestore_instance.shared"].size_gb == 1099.512
    assert gcp[".#google_redis_instance.cache"].size_gb == 5.369
    assert (
        gcp[".#google_storage_bucket.media"].measure == "gcloud storage du gs://shop-prod-media --summarize"
    )


def test_gi_and_g_are_different_units():
    assert quantity_bytes("10Gi") == 10 * 2**30
    assert quantity_bytes("10G") == 10 * 10**9
    assert quantity_bytes("1.5Ti") == int(1.5 * 2**40)
    assert quantity_bytes("lots") is None


@pytest.mark.parametrize(
    ("text", "gb"),
    [
        ("750 GB", 750.0),
        ("Measured 2026-11-30: 1.5 TiB", None),  # the date is not a size... but 1.5 TiB is; see below
        ("2,5 TB", 2500.0),
        ("1 200 GiB", 1288.49),
        ("1,200 GB", 1200.0),
        ("about 80gb", 80.0),
        ("512 MiB", 0.537),
        ("_Size: not measured yet._", None),
        ("", None),
    ],
)
def test_sizes_people_write(text, gb):
    if text.startswith("Measured"):
        assert parse_human_size(text) == 1649.267
    else:
        assert parse_human_size(text) == gb


def test_transfer_time_at_the_link():
    assert transfer_hours(1000, Transfer()) == 3.17  # 8000 Gbit / 0.7 Gbit/s
    assert transfer_hours(1000, Transfer(10, 0.5)) == 0.44


def test_registry_modules_are_sized_from_their_inputs(aws):
    legacy = aws["terraform#module.legacy_db"]
    assert legacy.size_gb == 429.497  # allocated_storage = 400 GiB on the module call
    assert legacy.size_source.startswith("terraform/registry.tf:9: allocated_storage = 400 GiB")
    logs = aws["terraform#module.logs_search"]
    assert logs.size_gb == 137.439  # an object input: ebs_options = {volume_size = 64} × 2 nodes
    assert "× 2 (cluster_config.0.instance_count" in logs.size_source


def test_a_store_that_is_switched_off_is_listed_but_not_counted():
    report = scan([str(FIXTURES / "aws")])
    gravity = build_gravity(report, load_target("openstack"))
    archive = next(d for d in gravity.data if d.resource.startswith("terraform#aws_ebs_volume.archive"))
    assert archive.size_gb == 2147.484
    assert archive.conditional == "var.enable_archive ? 1 : 0 (terraform/archive.tf:8)"
    assert archive.size_source.endswith(
        "; only if var.enable_archive ? 1 : 0 (terraform/archive.tf:8) (not counted)"
    )
    assert archive not in gravity.volumes and archive.region is None
    counted = sum(d.size_gb for d in gravity.volumes if d.size_gb is not None)
    assert gravity.total_gb == round(counted, 3)
    assert gravity.egress[0].gb == gravity.total_gb  # every counted store here is on AWS or in its cluster


def test_a_registry_submodule_is_sized_as_its_module(tmp_path):
    (tmp_path / "main.tf").write_text(
        'module "replica" {\n'
        '  source            = "terraform-aws-modules/rds/aws//modules/db_instance"\n'
        "  allocated_storage = 50\n"
        "}\n"
    )
    data = {d.resource: d for d in build_gravity(scan([str(tmp_path)]), load_target("openstack")).data}
    replica = data[".#module.replica"]
    assert replica.size_gb == 53.687  # 50 GiB
    assert replica.size_source.startswith("main.tf:3: allocated_storage = 50 GiB")
