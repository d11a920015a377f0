"""A managed database, cache or search engine that speaks an open protocol.

What it detects
    Managed data services whose wire protocol is open: PostgreSQL and MySQL on RDS, Cloud SQL or Azure
    Database, Redis/Valkey and Memcached caches, MongoDB-compatible and OpenSearch services.

Why it hurts portability
    Only a little: clients keep working against any server that speaks the protocol. What stays behind is
    the provider's operations (backups, failover, upgrades), its authentication add-ons (IAM database
    auth) and engine extensions only it offers.

How to migrate
    Provision the same engine and major version at the target (managed, or an operator such as
    CloudNativePG); move the data with the engine's own tools (pg_dump/pg_restore or logical
    replication, mysqldump or binlog replication, RDB snapshots); verify row counts and checksums.

Example
    ``resource "aws_db_instance" "orders" { engine = "postgres" ... }``
"""

from ..model import Resource
from .base import RuleContext

ID = "EP202"
NAME = "managed-open-database"
CATEGORY = "data"
WEIGHT = 8
OPTIONS = {"service_kinds": ["relational-database", "document-database", "cache", "search"]}


def check(resource: Resource, context: RuleContext):
    kinds = context.option(ID, OPTIONS, "service_kinds")

    def judged(kind: str | None, interface: str | None, lockin: str | None) -> bool:
        return kind in kinds and interface not in (None, "proprietary") and lockin not in (None, "none")

    if not resource.is_data_source and judged(resource.service_kind, resource.interface, resource.lockin):
        yield context.finding(
            ID,
            WEIGHT,
            resource,
            f"managed {resource.service_kind} on the open {resource.interface} protocol: "
            f"{resource.lockin_reason or 'move the data with the engine tools'}",
            evidence=f"{resource.type} ({resource.interface})",
        )
    yield from context.named_service_findings(
        ID,
        WEIGHT,
        resource,
        judged,
        lambda marker: (
            f"{marker.service} named at {marker.path}: managed {marker.service_kind} on the open "
            f"{marker.interface} protocol. {marker.replacement}"
        ),
    )
