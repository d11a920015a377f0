"""EP601 cloud-registry: images pulled from a cloud's registry, one finding per controller."""

from exitplan.rules import cloud_registry as rule
from tests.factories import k8s, pod_spec, tf
from tests.rules.kit import check, findings

ECR = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/webshop"
IMAGE = ("spec", "template", "spec", "containers", 0, "image")


def deployment(name, *images):
    return k8s("Deployment", name, spec=pod_spec(*images), lines={IMAGE: 20, (*IMAGE[:-2], 1, "image"): 30})


def test_private_registry_images_make_one_finding_per_controller():
    api = deployment("api", f"{ECR}/api:1.0", f"{ECR}/sidecar:2.0")
    assert check(rule, api) == {("EP601", "k8s#Deployment/shop/api", 20)}


def test_a_public_mirror_weighs_less_than_a_private_registry():
    mixed = deployment("redis", "public.ecr.aws/docker/library/redis:7.2", f"{ECR}/exporter:1.0")
    mirror = deployment("cache", "public.ecr.aws/docker/library/redis:7.2")
    weights = {(f.resource, f.line): f.weight for f in findings(rule, mixed, mirror)}
    assert weights == {("k8s#Deployment/shop/redis", 30): rule.WEIGHT, ("k8s#Deployment/shop/cache", 20): 2}


def test_registries_declared_in_terraform():
    repository = tf(
        "aws_ecr_repository",
        "api",
        cloud="aws",
        service_kind="container-registry",
        lockin="low",
        stateful=True,
    )
    policy = tf(
        "aws_ecr_lifecycle_policy", "api", cloud="aws", service_kind="container-registry", lockin="low"
    )
    harbor = tf("harbor_project", "shop", service_kind="container-registry", lockin="none", stateful=True)
    assert check(rule, repository, policy, harbor) == {("EP601", "infra#aws_ecr_repository.api", 1)}


def test_images_from_open_registries_pass():
    web = deployment("web", "nginx:1.27", "ghcr.io/example/app:1.0", "harbor.example.org/shop/api:1.0")
    assert check(rule, web) == set()
