"""Managed-service endpoints and cloud tooling written into configuration.

What it detects
    Values that name one cloud's managed services: database, cache, queue and storage host names,
    ARNs, resource ids and paths in ConfigMaps, environment variables and Terraform values; the
    instance metadata endpoint; images of a cloud's CLI or SDK; database proxy sidecars of one cloud.
    Each finding cites the file and line of the value.

Why it hurts portability
    The code is portable, its configuration is not: after the move the values point at services that
    no longer serve the workload, and sidecars and CLI images call APIs that do not exist at the target.

How to migrate
    Put each endpoint behind a name you control (a DNS CNAME or an ExternalName Service) or a Helm or
    kustomize value set per environment; replace proxy sidecars with direct TLS connections and CLI
    images with the OpenStack CLI or an S3 client such as rclone. A value that names its service (an
    SQS queue URL, a Spanner database path) is judged by that service's rule instead, marked inferred.

Example
    ``DATABASE_HOST: webshop-prod-orders.c9akciq32.eu-central-1.rds.amazonaws.com`` in a ConfigMap.
"""

from ..model import Resource
from .base import RuleContext

ID = "EP602"
NAME = "cloud-endpoint-in-config"
CATEGORY = "platform and operations"
WEIGHT = 3
OPTIONS = {
    "marker_categories": [
        "managed-service-endpoint",
        "metadata-endpoint",
        "cloud-sdk-image",
        "db-proxy-sidecar",
    ]
}


def check(resource: Resource, context: RuleContext):
    for marker in context.markers_of(resource, *context.option(ID, OPTIONS, "marker_categories")):
        if marker.identified:
            continue  # judged by the rule of the service it names
        yield context.marker_finding(
            ID,
            WEIGHT,
            resource,
            marker,
            f"{marker.category} of {marker.cloud} at {marker.path}: {marker.replacement}",
        )
