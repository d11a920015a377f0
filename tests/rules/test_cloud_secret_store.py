"""EP503 cloud-secret-store: secrets in a cloud's store, and the objects that read them from there."""

from exitplan.rules import cloud_secret_store as rule
from tests.factories import k8s, tf
from tests.rules.kit import check

SECRET = {"service_kind": "secret-manager", "interface": "proprietary", "lockin": "medium", "stateful": True}


def store(name, provider):
    return k8s(
        "ClusterSecretStore",
        name,
        namespace=None,
        spec={"provider": provider},
        lines={("spec", "provider"): 6},
    )


def test_cloud_secrets_and_secret_stores_are_reported():
    secret = tf("aws_secretsmanager_secret", "orders_db", cloud="aws", **SECRET)
    aws = store("aws", {"aws": {"service": "SecretsManager", "region": "eu-central-1"}})
    assert check(rule, secret, aws) == {
        ("EP503", "infra#aws_secretsmanager_secret.orders_db", 1),
        ("EP503", "k8s#ClusterSecretStore/aws", 6),
    }


def test_stores_the_estate_runs_pass():
    vault = store("vault", {"vault": {"server": "https://vault.example.org"}})
    openbao = tf("vault_kv_secret_v2", "db", **{**SECRET, "lockin": "low"})
    barbican = tf("openstack_keymanager_secret_v1", "db", cloud="openstack", **{**SECRET, "lockin": "none"})
    version = tf("aws_secretsmanager_secret_version", "db", cloud="aws", **{**SECRET, "stateful": False})
    assert check(rule, vault, openbao, barbican, version) == set()
