"""Volumes provisioned by one cloud's storage driver.

What it detects
    StorageClasses and volumes on a cloud's CSI driver or in-tree plugin (EBS, EFS, Azure Disk and
    Files, GCE PD, Filestore) and claims that ask for such a class. Cinder and Manila are OpenStack's
    own drivers and are not lock-in.

Why it hurts portability
    The class name and parameters mean nothing at the target, so claims stay pending, and the data on
    the volumes can only be copied at file level or by the application.

How to migrate
    Create an equivalent class on the target's driver (``cinder.csi.openstack.org`` for block,
    Manila for shared files), keep the class name if you can, and move data with Velero file-system
    backup (Kopia) or the application's own dump.

Example
    ``provisioner: ebs.csi.aws.com`` with ``parameters.type: gp3``.
"""

from ..model import Resource
from .base import RuleContext

ID = "EP402"
NAME = "cloud-storage"
CATEGORY = "network and edge"
WEIGHT = 8
OPTIONS: dict = {}


def check(resource: Resource, context: RuleContext):
    for marker in context.markers_of(resource, "storage"):
        yield context.marker_finding(
            ID, WEIGHT, resource, marker, f"{marker.cloud} storage driver: {marker.replacement}"
        )
        return
