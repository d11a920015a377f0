"""EP602 cloud-endpoint-in-config: managed-service hosts, metadata endpoints, cloud CLI images and proxies."""

from exitplan.rules import cloud_endpoint_in_config as rule
from tests.factories import k8s, pod_spec
from tests.rules.kit import check

RDS = "webshop-prod-orders.c9akciq32.eu-central-1.rds.amazonaws.com"


def config_map(name, data, first_line=7):
    resource = k8s("ConfigMap", name, lines={("data", key): first_line + i for i, key in enumerate(data)})
    resource.attributes["data"] = data
    return resource


def test_each_hard_coded_endpoint_is_reported_at_its_line():
    config = config_map(
        "api",
        {
            "LOG_LEVEL": "info",
            "DATABASE_HOST": RDS,
            "QUEUE_URL": "https://sqs.eu-central-1.amazonaws.com/1/jobs",
        },
    )
    # the queue URL names its service (SQS): EP301 judges it, so only the RDS host is generic here
    assert check(rule, config) == {("EP602", "k8s#ConfigMap/shop/api", 8)}


def test_only_endpoints_whose_service_cannot_be_told_stay_generic():
    config = config_map(
        "api",
        {
            "QUEUE_ARN": "arn:aws:sqs:eu-central-1:123456789012:jobs",
            "ROLE": "arn:aws:acm:eu-central-1:123456789012:certificate/abc",
            "API": "https://translate.googleapis.com/v3",
            "SPANNER_DB": "projects/shop/instances/main/databases/carts",
            "CLOUDSQL_DB": "projects/shop/instances/main/databases/carts",
        },
    )
    # the ACM ARN, the Translation API host and a database path under a name that does not say Spanner
    assert check(rule, config) == {
        ("EP602", "k8s#ConfigMap/shop/api", 8),
        ("EP602", "k8s#ConfigMap/shop/api", 9),
        ("EP602", "k8s#ConfigMap/shop/api", 11),
    }


def test_cloud_cli_images_and_proxy_sidecars():
    job = k8s("CronJob", "sync", spec=pod_spec("amazon/aws-cli:2.15.0"))
    proxy = k8s(
        "Deployment", "api", spec=pod_spec("app:1", "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.8.0")
    )
    assert check(rule, job, proxy) == {
        ("EP602", "k8s#CronJob/shop/sync", 1),
        ("EP602", "k8s#Deployment/shop/api", 1),
    }


def test_endpoints_the_estate_controls_pass():
    config = config_map(
        "api",
        {
            "DATABASE_HOST": "orders-db.shop.svc.cluster.local",
            "S3_ENDPOINT": "https://s3.example.org",
            "TOKEN_AUDIENCE": "https://ossrdbms-aad.database.windows.net",  # Entra audience, no server
        },
    )
    web = k8s("Deployment", "web", spec=pod_spec("rclone/rclone:1.66"))
    assert check(rule, config, web) == set()
