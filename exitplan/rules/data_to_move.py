"""State that must be moved.

What it detects
    Every resource that holds persistent data: managed databases, buckets, tables, queues with messages
    in flight, file systems, volumes and PersistentVolumeClaims.

Why it hurts portability
    Data has gravity. Moving it takes a copy, a verification and a cut-over window; the larger and
    busier it is, the longer the window and the higher the risk.

How to migrate
    Inventory size and change rate; pick an online method (replication) where the window is short,
    an offline one (dump and restore, rclone, Velero file-system backup) otherwise; verify with
    checksums or row counts before switching writers.

Example
    ``volumeClaimTemplates`` on a StatefulSet, ``resource "aws_s3_bucket" "assets"``.
"""

from ..model import Resource
from .base import RuleContext

ID = "EP203"
NAME = "data-to-move"
CATEGORY = "data"
WEIGHT = 3
OPTIONS: dict = {}


def check(resource: Resource, context: RuleContext):
    if resource.is_data_source or not resource.stateful:
        return
    what = resource.service_kind or resource.type
    yield context.finding(
        ID,
        WEIGHT,
        resource,
        f"holds persistent data ({what}) that must be copied and verified",
        evidence=what,
    )
