"""Data kept behind a proprietary API.

What it detects
    Stateful data services whose interface is proprietary: DynamoDB, Cosmos DB (SQL, Table and Gremlin
    APIs), Spanner, Bigtable, BigQuery, Firestore, Redshift and the like.

Why it hurts portability
    No other provider speaks the API. The data must be exported in the provider's format, transformed
    and loaded into another engine, and every query in the application must be rewritten.

How to migrate
    Choose the target engine by access pattern (ScyllaDB with its DynamoDB-compatible Alternator API,
    Cassandra, MongoDB, PostgreSQL with JSONB, ClickHouse for analytics); export, transform and load;
    run both in parallel behind a repository layer in the code before cutting over.
    A setting that names such a service (a Spanner database path in a ``SPANNER_*`` variable, a
    DynamoDB table ARN, a Cosmos DB host) counts the same, marked inferred.

Example
    ``resource "aws_dynamodb_table" "carts" { hash_key = "cart_id" ... }``
"""

from ..model import Resource
from .base import RuleContext

ID = "EP201"
NAME = "proprietary-data-api"
CATEGORY = "data"
WEIGHT = 35
OPTIONS = {
    "service_kinds": [
        "nosql-database",
        "document-database",
        "relational-database",
        "data-warehouse",
        "search",
        "cache",
        "object-storage",
        "file-storage",
    ]
}


def check(resource: Resource, context: RuleContext):
    kinds = context.option(ID, OPTIONS, "service_kinds")

    def judged(kind: str | None, interface: str | None, _lockin: str | None = None) -> bool:
        return interface == "proprietary" and kind in kinds

    if not resource.is_data_source and judged(resource.service_kind, resource.interface):
        yield context.finding(
            ID,
            WEIGHT,
            resource,
            f"{resource.type} keeps data behind a proprietary API: "
            f"{resource.lockin_reason or 'export, transform and rewrite the queries'}",
            evidence=resource.type,
        )
    yield from context.named_service_findings(
        ID,
        WEIGHT,
        resource,
        judged,
        lambda marker: (
            f"{marker.service} named at {marker.path}: its data sits behind a proprietary API, "
            f"so the code that reads it changes. {marker.replacement}"
        ),
    )
