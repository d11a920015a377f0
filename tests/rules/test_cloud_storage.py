"""EP402 cloud-storage: StorageClasses on a cloud's CSI driver; Cinder and Manila are not lock-in."""

from exitplan.rules import cloud_storage as rule
from tests.factories import k8s
from tests.rules.kit import check


def storage_class(name, provisioner):
    resource = k8s("StorageClass", name, namespace=None, lines={("provisioner",): 6})
    return type(resource)(
        **{**resource.__dict__, "attributes": {**resource.attributes, "provisioner": provisioner}}
    )


def test_a_cloud_csi_driver_is_reported():
    assert check(rule, storage_class("gp3", "ebs.csi.aws.com")) == {("EP402", "k8s#StorageClass/gp3", 6)}


def test_openstack_drivers_pass():
    cinder = storage_class("standard", "cinder.csi.openstack.org")
    manila = storage_class("shared", "nfs.manila.csi.openstack.org")
    assert check(rule, cinder, manila) == set()
