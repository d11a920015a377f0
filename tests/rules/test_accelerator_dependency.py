"""EP103 accelerator-dependency: GPU requests in pods, GPU sizes and accelerator blocks in Terraform."""

from exitplan.rules import accelerator_dependency as rule
from tests.factories import k8s, pod_spec, tf
from tests.rules.kit import check


def gpu_pod(name, resource_name="nvidia.com/gpu"):
    spec = pod_spec("ghcr.io/example/trainer:1.0")
    spec["template"]["spec"]["containers"][0]["resources"] = {"limits": {resource_name: 1}}
    path = ("spec", "template", "spec", "containers", 0, "resources", "limits", resource_name)
    return k8s("Deployment", name, spec=spec, lines={path: 14})


def test_gpu_requests_in_pods():
    assert check(rule, gpu_pod("trainer"), gpu_pod("tpu", "google.com/tpu")) == {
        ("EP103", "k8s#Deployment/shop/trainer", 14),
        ("EP103", "k8s#Deployment/shop/tpu", 14),
    }


def test_gpu_instance_types_and_accelerator_blocks():
    group = tf(
        "aws_eks_node_group",
        "gpu",
        cloud="aws",
        service_kind="kubernetes-node-group",
        attributes={"instance_types": ["m6i.large", "g5.xlarge"]},
        lines={("instance_types",): 7},
    )
    pool = tf(
        "google_container_node_pool",
        "tpu",
        cloud="gcp",
        service_kind="kubernetes-node-group",
        attributes={"node_config": [{"machine_type": "n2-standard-4", "guest_accelerator": [{"type": "x"}]}]},
    )
    flavor = tf(
        "openstack_compute_instance_v2",
        "inference",
        cloud="openstack",
        service_kind="vm",
        attributes={"flavor_name": "SCS-16V-64-gpu-a100"},
    )
    azure = tf(
        "azurerm_linux_virtual_machine",
        "ml",
        cloud="azure",
        service_kind="vm",
        attributes={"size": "Standard_NC6s_v3"},
    )
    assert check(rule, group, pool, flavor, azure) == {
        ("EP103", "infra#aws_eks_node_group.gpu", 7),
        ("EP103", "infra#google_container_node_pool.tpu", 1),
        ("EP103", "infra#openstack_compute_instance_v2.inference", 1),
        ("EP103", "infra#azurerm_linux_virtual_machine.ml", 1),
    }


def test_general_purpose_sizes_pass():
    sizes = {
        "aws_instance": {"instance_type": "t4g.micro"},
        "google_compute_instance": {"machine_type": "e2-standard-4"},
        "azurerm_linux_virtual_machine": {"size": "Standard_D4s_v5"},
        "openstack_compute_instance_v2": {"flavor_name": "SCS-4V-16"},
    }
    vms = [tf(t, "vm", service_kind="vm", cloud="x", attributes=a) for t, a in sizes.items()]
    bucket = tf("aws_s3_bucket", "gpu", service_kind="object-storage", attributes={"bucket": "gpu-results"})
    web = k8s("Deployment", "web", spec=pod_spec("nginx:1.27"))
    assert check(rule, *vms, bucket, web) == set()
