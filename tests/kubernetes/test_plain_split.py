"""Same-named objects in different folders of a plain-manifest tree: none is dropped (SPEC §3)."""

from __future__ import annotations

from pathlib import Path

from exitplan import api

FIXTURES = Path(__file__).parent.parent / "fixtures" / "kubernetes"


def scan(name: str) -> api.ScanReport:
    return api.scan([str(FIXTURES / name)])


def finding_rules(report: api.ScanReport, resource_id: str) -> set[str]:
    return {f.rule for f in report.findings if f.resource == resource_id}


def test_main_database_and_its_add_on_variant_are_both_kept():
    report = scan("plain-addons")
    configurations = {c.path: c for c in report.configurations}
    assert set(configurations) == {"kubernetes-manifests", "extras/backup/kubernetes-manifests"}
    assert configurations["extras/backup/kubernetes-manifests"].note == (
        "split from .: StatefulSet/default/accounts-db is also defined in kubernetes-manifests/accounts-db.yaml"
    )
    main = report.resource("kubernetes-manifests#StatefulSet/default/accounts-db")
    addon = report.resource("extras/backup/kubernetes-manifests#StatefulSet/default/accounts-db")
    assert main.get("spec", "template", "spec", "volumes", 0, "emptyDir") == {}
    assert addon.get("spec", "volumeClaimTemplates", 0, "metadata", "name") == "postgresdb"
    assert (main.file, addon.file) == (
        "kubernetes-manifests/accounts-db.yaml",
        "extras/backup/kubernetes-manifests/accounts-db.yaml",
    )
    inputs = {i.path: i for i in report.inputs}
    assert all(i.status == "parsed" for p, i in inputs.items() if p.endswith(".yaml"))
    assert not any("kept the first" in (i.reason or "") for i in report.inputs)
    assert inputs["extras/backup/kubernetes-manifests/accounts-db.yaml"].reason == (
        "read as configuration extras/backup/kubernetes-manifests: StatefulSet/default/accounts-db "
        "is also defined in kubernetes-manifests/accounts-db.yaml"
    )


def test_the_main_folder_keeps_its_own_edges():
    report = scan("plain-addons")
    edges = {(e.source, e.target) for e in report.edges}
    assert (
        "kubernetes-manifests#Service/default/accounts-db",
        "kubernetes-manifests#StatefulSet/default/accounts-db",
    ) in edges


def test_each_clouds_storage_class_is_judged_by_its_own_cloud():
    report = scan("per-cloud-storage")
    classes = {r.id: r for r in report.resources if r.type == "StorageClass"}
    assert set(classes) == {
        f"volumes/{c}#StorageClass/slow" for c in ("aws", "azure", "gce", "openstack", "vsphere")
    }
    messages = {f.resource: f.message for f in report.findings if f.rule == "EP402"}
    assert messages["volumes/aws#StorageClass/slow"].startswith("aws storage driver")
    assert messages["volumes/gce#StorageClass/slow"].startswith("gcp storage driver")
    assert messages["volumes/azure#StorageClass/slow"].startswith("azure storage driver")
    assert messages["volumes/vsphere#StorageClass/slow"].startswith("vsphere storage driver")
    # The in-tree vSphere provisioner ties the class to VMware like the cloud ones (was judged by no cloud).
    assert messages["volumes/vsphere#StorageClass/slow"].startswith("vsphere storage driver")
    # Cinder is OpenStack's own driver: not lock-in, and not judged as the AWS class.
    assert "volumes/openstack#StorageClass/slow" not in messages
    assert finding_rules(report, "volumes/openstack#PersistentVolumeClaim/default/claim1") == {"EP203"}
    assert "EP701" in finding_rules(report, "volumes/aws#PersistentVolumeClaim/default/claim1")
    # each cloud's folder is a platform of its own, scored on its own classes and claims
    scores = {s.workload.id: s.score for s in report.workloads}
    assert scores == {
        "platform-aws": 79,
        "platform-azure": 79,
        "platform-gce": 79,
        "platform-openstack": 97,
        "platform-vsphere": 79,
    }


def test_a_tree_without_clashes_stays_one_configuration():
    report = scan("microservices")
    assert [(c.path, c.note) for c in report.configurations] == [(".", None)]


def test_files_of_one_folder_that_define_the_same_object_are_each_a_configuration(tmp_path):
    sc = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: slow\nprovisioner: {}\n"
    (tmp_path / "aws-ebs.yaml").write_text(sc.format("kubernetes.io/aws-ebs"))
    (tmp_path / "gce-pd.yaml").write_text(sc.format("kubernetes.io/gce-pd"))
    (tmp_path / "claim.yaml").write_text(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: claim1\nspec:\n  storageClassName: slow\n"
    )
    report = api.scan([str(tmp_path)])
    assert sorted(r.id for r in report.resources) == [
        ".#PersistentVolumeClaim/default/claim1",
        "aws-ebs.yaml#StorageClass/slow",
        "gce-pd.yaml#StorageClass/slow",
    ]
    notes = {c.path: c.note for c in report.configurations}
    assert notes["gce-pd.yaml"] == "split from .: StorageClass/slow is also defined in aws-ebs.yaml"
    assert notes["."] is None
