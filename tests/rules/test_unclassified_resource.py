"""EP603 unclassified-resource: cloud resources the catalog does not know are listed, not ignored."""

from dataclasses import replace

from exitplan.rules import unclassified_resource as rule
from tests.factories import k8s, tf
from tests.rules.kit import check, findings, scan_files


def test_an_unknown_type_of_a_known_cloud_is_reported_without_a_deduction():
    unknown = tf("aws_quantum_ledger", "x", cloud="aws")
    assert check(rule, unknown) == {("EP603", "infra#aws_quantum_ledger.x", 1)}
    (finding,) = findings(rule, unknown)
    assert finding.weight == 0 and "not assessed" in finding.message


def test_the_scan_reports_it_at_its_line(tmp_path):
    files = {"main.tf": '# a new service\n\nresource "aws_quantum_ledger" "x" {\n  name = "x"\n}\n'}
    assert scan_files(tmp_path, files, "EP603") == {("EP603", ".#aws_quantum_ledger.x", 3)}


def test_classified_neutral_and_read_only_resources_pass():
    known = tf("aws_s3_bucket", "assets", cloud="aws", service_kind="object-storage")
    neutral = tf("something_custom", "x")
    read = replace(tf("aws_quantum_ledger", "x", cloud="aws"), address="data.aws_quantum_ledger.x")
    crd = k8s("Widget", "x")
    assert check(rule, known, neutral, read, crd) == set()
