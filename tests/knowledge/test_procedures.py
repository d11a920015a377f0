"""The procedures catalog: the built-in file validates, matching picks the most specific procedure, and a
broken file fails with an error that names the file and the key path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exitplan.errors import CatalogError
from exitplan.knowledge.procedures import PHASES, PLACEHOLDER, load_procedures, procedure_for

#: Service kinds the runbooks must cover with a procedure of their own (not the catch-all).
COVERED_KINDS = (
    *("relational-database", "nosql-database", "document-database", "cache", "data-warehouse", "search"),
    *("object-storage", "file-storage", "block-volume", "backup", "container-registry"),
    *("message-queue", "pubsub", "event-bus", "event-stream", "kafka"),
    *("faas", "workflow", "container-service", "paas-app", "vm", "vm-scale-group"),
    *("kubernetes-cluster", "kubernetes-node-group"),
    *("network", "firewall", "load-balancer", "dns", "cdn", "certificate", "waf", "api-gateway"),
    *("identity", "customer-identity", "key-management", "secret-manager"),
    *("monitoring", "logging", "ai-ml", "hosted-ai-model"),
)

#: Service kinds (with the interface that matters) whose resources hold data of record: their verify
#: phase must compare numbers — counts, checksums, digests, lag.
STATEFUL = (
    *(("relational-database", i) for i in ("postgresql", "mysql", "tds", "oracle", None)),
    *(("cache", "redis"), ("document-database", "mongodb"), ("document-database", None)),
    *(("nosql-database", i) for i in ("cassandra", "hbase", "proprietary")),
    *(("data-warehouse", None), ("search", "opensearch"), ("object-storage", "s3")),
    *(("file-storage", "nfs"), ("file-storage", "smb"), ("block-volume", "block"), ("backup", None)),
    *(("container-registry", "oci-registry"), ("message-queue", None), ("message-queue", "amqp")),
    *(("event-stream", None), ("kafka", "kafka"), ("dns", "dns"), ("key-management", None)),
    *(("secret-manager", None), ("customer-identity", None), ("ai-ml", None)),
    ("hosted-ai-model", None),
)

#: What shows that a verify command compares numbers rather than just looking.
_DATA_CHECK = re.compile(
    r"count|checksum|sha256|md5|diff|lag|dbsize|digest|length|wc -l|--one-way|summarize|offsets|NumberOf"
    r"|robocopy .* /L",
    re.I,
)


@pytest.fixture(scope="module")
def procedures():
    return load_procedures()


def pick(procedures, **given):
    arguments = {"source": "terraform", "service_kind": None, "interface": None, "kubernetes_kind": None}
    return procedure_for(procedures, **{**arguments, **given})


# --------------------------------------------------------------------------------------- built-in file


def test_builtin_file_validates_with_unique_ids_and_all_phases(procedures):
    ids = [procedure.id for procedure in procedures]
    assert len(ids) == len(set(ids)) >= 45
    for procedure in procedures:
        assert tuple(procedure.steps) == PHASES
        assert procedure.steps["verify"], f"{procedure.id}: verify phase is empty"


def test_every_command_uses_upper_snake_placeholders_only(procedures):
    for procedure in procedures:
        for phase in procedure.steps.values():
            for step in phase:
                for text in (step.text, step.command or ""):
                    for token in re.findall(r"<[^<>\s]+>", text):
                        assert PLACEHOLDER.fullmatch(token), f"{procedure.id}: {token}"


@pytest.mark.parametrize("kind", COVERED_KINDS)
def test_every_listed_service_kind_has_its_own_procedure(procedures, kind):
    chosen = pick(procedures, service_kind=kind)
    assert chosen.id != "generic"
    assert kind in chosen.match["service_kind"]


@pytest.mark.parametrize(("kind", "interface"), STATEFUL)
def test_stateful_kinds_verify_their_data_with_numbers(procedures, kind, interface):
    procedure = pick(procedures, service_kind=kind, interface=interface)
    assert procedure.id != "generic"
    commands = [step.command for step in procedure.steps["verify"] if step.command]
    assert commands, f"{procedure.id}: no verify command"
    assert any(_DATA_CHECK.search(command) for command in commands), f"{procedure.id}: compares no numbers"


@pytest.mark.parametrize(
    ("kubernetes_kind", "source"), [("StatefulSet", "kubernetes"), ("PersistentVolumeClaim", "kubernetes")]
)
def test_stateful_kubernetes_objects_verify_their_data(procedures, kubernetes_kind, source):
    procedure = pick(procedures, source=source, kubernetes_kind=kubernetes_kind)
    commands = " ".join(step.command or "" for step in procedure.steps["verify"])
    assert "md5sum" in commands and "wc -l" in commands


@pytest.mark.parametrize(
    ("kind", "interface", "expected"),
    [
        ("relational-database", "postgresql", "postgresql"),
        ("relational-database", "mysql", "mysql"),
        ("relational-database", "tds", "sqlserver"),
        ("relational-database", None, "relational-database"),
        ("relational-database", "db2", "relational-database"),
        ("cache", "redis", "redis"),
        ("cache", "memcached", "memcached"),
        ("document-database", "mongodb", "mongodb"),
        ("nosql-database", "mongodb", "mongodb"),
        ("nosql-database", "cassandra", "cassandra"),
        ("nosql-database", "proprietary", "nosql-database"),
        ("message-queue", "amqp", "message-queue-amqp"),
        ("message-queue", "proprietary", "message-queue"),
        ("file-storage", "smb", "file-storage-smb"),
        ("file-storage", "nfs", "file-storage"),
    ],
)
def test_most_specific_procedure_wins(procedures, kind, interface, expected):
    assert pick(procedures, service_kind=kind, interface=interface).id == expected


def test_sqlserver_procedure_carries_the_licensing_note(procedures):
    prepare = pick(procedures, service_kind="relational-database", interface="tds").steps["prepare"]
    assert any("licen" in step.text.lower() for step in prepare)


@pytest.mark.parametrize(
    ("kubernetes_kind", "expected"),
    [
        ("StatefulSet", "kubernetes-statefulset"),
        ("Deployment", "kubernetes-workload"),
        ("CronJob", "kubernetes-workload"),
        ("DaemonSet", "kubernetes-workload"),
        ("PersistentVolumeClaim", "kubernetes-pvc"),
        ("Ingress", "kubernetes-network"),
        ("ConfigMap", "kubernetes-object"),
    ],
)
def test_kubernetes_objects_match_by_kind(procedures, kubernetes_kind, expected):
    assert pick(procedures, source="kubernetes", kubernetes_kind=kubernetes_kind).id == expected


def test_kubernetes_kind_from_terraform_does_not_take_the_kubernetes_procedures(procedures):
    assert pick(procedures, source="terraform", kubernetes_kind="StatefulSet").id == "generic"


def test_unknown_or_missing_kind_falls_back_to_generic(procedures):
    assert pick(procedures, service_kind="iot").id == "generic"
    assert pick(procedures).id == "generic"


def test_statefulset_moves_volume_data_with_velero_fs_backup(procedures):
    procedure = pick(procedures, source="kubernetes", kubernetes_kind="StatefulSet")
    moves = " ".join(step.command or "" for step in procedure.steps["move"])
    assert "--default-volumes-to-fs-backup" in moves
    assert "velero" in moves and "restore create" in moves


# ------------------------------------------------------------------------------------------ extra dirs


def _write(directory: Path, body: str) -> Path:
    path = directory / "procedures.yaml"
    path.write_text("schema_version: 1\nprocedures:\n" + body, encoding="utf-8")
    return path


_VALID = """
  - id: {id}
    title: A title
    match: {{service_kind: {kind}}}
    downtime: none
    steps:
      verify:
        - text: Check it
          command: echo <THING>
"""


def test_extra_directory_overrides_by_id_and_adds_new_procedures(tmp_path):
    _write(
        tmp_path,
        _VALID.format(id="postgresql", kind="relational-database") + _VALID.format(id="iot", kind="iot"),
    )
    procedures = load_procedures([tmp_path])
    # the override replaced the built-in one and now wins the tie with the built-in relational-database
    overridden = pick(procedures, service_kind="relational-database", interface="postgresql")
    assert (overridden.id, overridden.title) == ("postgresql", "A title")
    assert pick(procedures, service_kind="relational-database", interface="mysql").id == "mysql"
    assert [p.id for p in procedures].count("postgresql") == 1
    assert pick(procedures, service_kind="iot").id == "iot"


def test_extra_directory_with_a_catalog_folder(tmp_path):
    (tmp_path / "catalog").mkdir()
    _write(tmp_path / "catalog", _VALID.format(id="iot", kind="iot"))
    assert pick(load_procedures([tmp_path]), service_kind="iot").id == "iot"


def test_missing_extra_directory_is_an_error(tmp_path):
    with pytest.raises(CatalogError, match="not found"):
        load_procedures([tmp_path / "nope"])


# -------------------------------------------------------------------------------------- invalid files


@pytest.mark.parametrize(
    ("body", "key_path", "problem"),
    [
        (
            _VALID.format(id="a", kind="vm") + _VALID.format(id="a", kind="dns"),
            "procedures[1].id",
            "duplicate id 'a'",
        ),
        (_VALID.format(id="a", kind="mainframe"), "procedures[0].match.service_kind", "unknown service kind"),
        (
            _VALID.format(id="a", kind="vm").replace("verify:", "migrate:"),
            "procedures[0].steps.migrate",
            "unknown phase",
        ),
        (
            _VALID.format(id="a", kind="vm").replace("<THING>", "<database>"),
            "procedures[0].steps.verify[0].command",
            "<database> is not a placeholder",
        ),
        (
            _VALID.format(id="a", kind="vm").replace("<THING>", "<Mixed_Case>"),
            "procedures[0].steps.verify[0].command",
            "<Mixed_Case> is not a placeholder",
        ),
        (
            _VALID.format(id="a", kind="vm").replace("text: Check it", "text: ''"),
            "procedures[0].steps.verify[0].text",
            "non-empty string",
        ),
        (
            _VALID.format(id="a", kind="vm").replace(
                "match: {service_kind: vm}", "match: {interface: carrier-pigeon}"
            ),
            "procedures[0].match.interface",
            "unknown interface",
        ),
        (
            _VALID.format(id="a", kind="vm").replace("match: {service_kind: vm}", "match: {color: red}"),
            "procedures[0].match.color",
            "unknown key",
        ),
        (
            _VALID.format(id="a", kind="vm").replace("    downtime: none\n", ""),
            "procedures[0].downtime",
            "missing",
        ),
        (
            _VALID.format(id="a", kind="vm").replace(
                "        - text: Check it\n", "        - txt: Check it\n"
            ),
            "procedures[0].steps.verify[0].txt",
            "unknown key",
        ),
    ],
)
def test_invalid_file_names_file_and_key_path(tmp_path, body, key_path, problem):
    path = _write(tmp_path, body)
    with pytest.raises(CatalogError) as caught:
        load_procedures([tmp_path])
    message = str(caught.value)
    assert message.startswith(f"{path}: {key_path}: "), message
    assert problem in message


def test_wrong_schema_version_is_an_error(tmp_path):
    path = tmp_path / "procedures.yaml"
    path.write_text("schema_version: 2\nprocedures: []\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=re.escape(f"{path}: schema_version")):
        load_procedures([tmp_path])


def test_equally_specific_user_procedure_beats_the_builtin_one(tmp_path):
    _write(tmp_path, _VALID.format(id="my-vm", kind="vm"))
    assert pick(load_procedures([tmp_path]), service_kind="vm").id == "my-vm"


def test_shell_redirections_are_not_mistaken_for_placeholders(tmp_path):
    command = "psql < dump.sql 2>&1 && diff <(sort a) <(sort b) && cat <<'EOF' > x\\nEOF"
    _write(tmp_path, _VALID.format(id="a", kind="vm").replace("echo <THING>", f'"{command}"'))
    assert pick(load_procedures([tmp_path]), service_kind="vm").id == "a"
