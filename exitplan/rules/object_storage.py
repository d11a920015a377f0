"""Object storage on a cloud's S3-compatible service.

What it detects
    Buckets and containers of a cloud's object storage that speak the S3 API (or Swift), with the
    settings around them (policies, lifecycle rules, notifications, versioning) counted in the message.

Why it hurts portability
    Only a little: clients keep the S3 API and rclone copies the objects. What does not carry over is
    the provider's configuration around the bucket: event notifications into its functions and queues,
    lifecycle and replication rules, bucket policies written in its IAM language, and signed URLs.

How to migrate
    Create the bucket on the target's object storage (Ceph RGW, Swift with s3api, the provider's S3),
    copy with ``rclone sync`` and verify with ``rclone check``; re-express policies as the target's ACLs
    or bucket policies, lifecycle rules as its own, and notifications as broker events.

Example
    ``resource "aws_s3_bucket" "assets"`` with ``aws_s3_bucket_policy`` and ``aws_s3_bucket_versioning``.
"""

from ..model import Resource
from .base import RuleContext

ID = "EP204"
NAME = "object-storage"
CATEGORY = "data"
WEIGHT = 3
OPTIONS = {"interfaces": ["s3", "swift"]}


def check(resource: Resource, context: RuleContext):
    interfaces = context.option(ID, OPTIONS, "interfaces")

    def judged(kind: str | None, interface: str | None, lockin: str | None) -> bool:
        return kind == "object-storage" and interface in interfaces and lockin not in (None, "none")

    yield from context.named_service_findings(
        ID,
        WEIGHT,
        resource,
        judged,
        lambda marker: (
            f"{marker.service} named at {marker.path}: the objects copy over the S3 API, but events, "
            f"lifecycle rules and bucket policies need rework. {marker.replacement}"
        ),
    )
    if resource.is_data_source or not resource.stateful:
        return
    if not judged(resource.service_kind, resource.interface, resource.lockin):
        return
    dependents = (
        context.resources[d] for d in context.needed_by.get(resource.id, ()) if d in context.resources
    )
    settings = sorted(
        {other.type for other in dependents if other.service_kind == "object-storage" and not other.stateful}
    )
    around = f" and its settings ({', '.join(settings)})" if settings else ""
    yield context.finding(
        ID,
        WEIGHT,
        resource,
        f"{resource.type}{around} on {resource.cloud or 'the provider'}'s object storage: the objects copy "
        "over the S3 API, but events, lifecycle rules and bucket policies need rework",
        evidence=f"{resource.type} ({resource.interface})",
    )
