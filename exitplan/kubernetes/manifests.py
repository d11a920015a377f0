"""Kubernetes objects as read from a file, before they become ``Resource`` records.

A ``Manifest`` is the loaders' working copy: kustomize transforms it in place (on a copy per render),
and ``to_resource`` turns the final value into a frozen ``Resource`` with secrets removed.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from ..discover import InputProblem, SourceFile, read_text
from ..knowledge.crossplane import cluster_scoped
from ..model import REDACTED, Location, Path, Resource
from ..secrets import is_secret_key
from .json_read import json_values, load_json
from .yaml_safe import Document, Stream, YamlError, load_stream

#: Built-in and well-known kinds that live outside any namespace.
CLUSTER_SCOPED_KINDS = frozenset(
    {
        "APIService",
        "CertificateSigningRequest",
        "ClusterIssuer",
        "ClusterRole",
        "ClusterRoleBinding",
        "ClusterSecretStore",
        "ComponentStatus",
        "CSIDriver",
        "CSINode",
        "CustomResourceDefinition",
        "FlowSchema",
        "GatewayClass",
        "IngressClass",
        "MutatingWebhookConfiguration",
        "Namespace",
        "Node",
        "PersistentVolume",
        "PodSecurityPolicy",
        "PriorityClass",
        "PriorityLevelConfiguration",
        "RuntimeClass",
        "StorageClass",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "ValidatingWebhookConfiguration",
        "VolumeAttachment",
        "VolumeSnapshotClass",
        "VolumeSnapshotContent",
        "ClusterPolicy",
    }
)

#: Annotations whose value can hold a whole object, Secret data included.
DROPPED_ANNOTATIONS = frozenset({"kubectl.kubernetes.io/last-applied-configuration"})

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@dataclass
class Manifest:
    """One Kubernetes object and where its parts were written."""

    value: dict[str, Any]
    file: str
    line: int
    lines: dict[Path, int]
    origins: dict[Path, Location] = field(default_factory=dict)
    former_names: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return str(self.value.get("kind"))

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.value.get("metadata")
        if not isinstance(meta, dict):
            meta = self.value["metadata"] = {}
        return meta

    @property
    def name(self) -> str:
        meta = self.value.get("metadata")
        name = meta.get("name") or meta.get("generateName") if isinstance(meta, dict) else None
        return str(name) if name is not None else ""

    @property
    def namespaced(self) -> bool:
        return self.kind not in CLUSTER_SCOPED_KINDS and not cluster_scoped(self.value.get("apiVersion"))

    def copy(self) -> Manifest:
        return Manifest(
            copy_data(self.value),
            self.file,
            self.line,
            dict(self.lines),
            dict(self.origins),
            list(self.former_names),
        )


def copy_data(value: Any) -> Any:
    """A deep copy of parsed data: dicts, lists and scalars only, so no memo is needed (about three times
    faster than ``copy.deepcopy``). Parts that appear twice come out as two copies, as aliases do."""
    if isinstance(value, dict):
        return {key: copy_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_data(item) for item in value]
    return value


@dataclass(frozen=True)
class Parsed:
    """A file read once: its documents, the first YAML problem, or why it could not be read."""

    rel: str
    text: str
    stream: Stream
    lines: bool = True  # False: read with ``lines=False`` (only Kubernetes objects carry lines)

    @property
    def error(self) -> YamlError | None:
        return self.stream.error


def parse_source(source: SourceFile, lines: bool = True) -> Parsed:
    """``lines=False``: the caller needs the lines of Kubernetes objects only, so a JSON file without any
    (``package-lock.json``, dashboards) is read by the json module, many times faster than by events."""
    try:
        text = read_text(source)
    except InputProblem as problem:
        return Parsed(source.rel, "", Stream((), YamlError(problem.reason, problem.line)))
    if not lines and source.rel.lower().endswith(".json"):
        quick = json_values(text)
        if quick is not None and not manifests_of(Parsed(source.rel, text, quick)):
            return Parsed(source.rel, text, quick, lines=False)
    stream = load_stream(text)
    if stream.error is not None and source.rel.lower().endswith(".json"):
        fallback = load_json(text)
        if fallback.error is None:
            stream = fallback
    return Parsed(source.rel, text, stream)


def is_manifest(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    api, kind = value.get("apiVersion"), value.get("kind")
    if not (isinstance(api, str) and isinstance(kind, str) and api and kind):
        return False
    return foreign_config(value) is None


def foreign_config(value: dict[str, Any]) -> str | None:
    """What a document with ``apiVersion`` and ``kind`` is when it is not a Kubernetes object."""
    api, kind = str(value.get("apiVersion", "")), value.get("kind")
    if api.startswith("skaffold/"):
        return "skaffold configuration"
    if api.startswith("kustomize.config.k8s.io/"):
        return "kustomization"
    if kind == "Config" and api == "v1" and ("clusters" in value or "contexts" in value or "users" in value):
        return "kubeconfig file (not read: it holds credentials)"
    if api.startswith("kind.x-k8s.io/") or api.startswith("k3d.io/"):
        return "local cluster configuration"
    return None


def manifests_of(parsed: Parsed) -> list[Manifest]:
    """Every Kubernetes object in the file, with ``List`` kinds opened into their items."""
    found: list[Manifest] = []
    for document in parsed.stream.documents:
        value = document.value
        if not is_manifest(value):
            continue
        items = value.get("items")
        if value["kind"].endswith("List") and isinstance(items, list):
            for index, item in enumerate(items):
                if is_manifest(item):
                    found.append(_item(parsed.rel, document, index, item))
            continue
        found.append(Manifest(value, parsed.rel, document.line, document.lines))
    return found


def _item(rel: str, document: Document, index: int, item: dict[str, Any]) -> Manifest:
    prefix = ("items", index)
    lines = {path[2:]: line for path, line in document.lines.items() if path[:2] == prefix and path[2:]}
    return Manifest(item, rel, document.lines.get(prefix, document.line), lines)


#: Files that are YAML or JSON but no Kubernetes input, named by file name.
_KNOWN_FILES = {
    "package.json": "npm package manifest",
    "package-lock.json": "npm lock file",
    "composer.json": "Composer package manifest",
    "renovate.json": "Renovate configuration",
    ".pre-commit-config.yaml": "pre-commit configuration",
    "mkdocs.yml": "MkDocs configuration",
    "dependabot.yml": "Dependabot configuration",
    "codecov.yml": "Codecov configuration",
    ".gitlab-ci.yml": "GitLab CI configuration",
    ".golangci.yml": "golangci-lint configuration",
    "chart.yaml": "Helm chart metadata",
    "values.yaml": "Helm values file",
    "devcontainer.json": "dev container configuration",
    ".devcontainer.json": "dev container configuration",
    "jsconfig.json": "JavaScript configuration",
    ".eslintrc.json": "ESLint configuration",
}

#: Folders whose JSON files editors and tools read (often JSON with comments), never applied.
_KNOWN_FOLDERS = {".vscode": "VS Code configuration", ".devcontainer": "dev container configuration"}

#: A key that every Kubernetes object written as JSON has.
_JSON_OBJECT_KEYS = re.compile(r'"(apiVersion|kind)"\s*:')


def describe_other(rel: str, documents: tuple[Document, ...]) -> str:
    """Why a YAML or JSON file with documents but no Kubernetes object is skipped."""
    name = posixpath.basename(rel).lower()
    first = next((d.value for d in documents if isinstance(d.value, dict)), {})
    what = _known_file(rel)
    if what is None and isinstance(first, dict):
        what = foreign_config(first) if "apiVersion" in first and "kind" in first else None
    if what is None and (name.startswith(("docker-compose", "compose.")) or _looks_like_compose(first)):
        what = "docker-compose file"
    if what is None and (
        "/.github/workflows/" in f"/{rel}" or (isinstance(first, dict) and "jobs" in first and "on" in first)
    ):
        what = "GitHub Actions workflow"
    if what is None and isinstance(first, dict) and ("openapi" in first or "swagger" in first):
        what = "OpenAPI document"
    if what is None and name.startswith("values") and name.endswith((".yaml", ".yml")):
        what = "Helm values file"
    return f"not a Kubernetes manifest ({what})" if what else "not a Kubernetes manifest"


def describe_unreadable_json(rel: str, text: str) -> str | None:
    """Why a JSON file that does not parse is skipped, not an error: no Kubernetes object is written in it.

    Tool configurations (``.vscode/launch.json``, ``devcontainer.json``, ``tsconfig.json``) are JSON with
    comments and trailing commas, which their tools read and kubectl never applies. A file that names
    both ``apiVersion`` and ``kind`` and is no known tool's may be a broken manifest: an error (None).
    """
    what = _known_file(rel)
    if what is None and {m.group(1) for m in _JSON_OBJECT_KEYS.finditer(text)} == {"apiVersion", "kind"}:
        return None
    return f"not a Kubernetes manifest ({what or 'not JSON kubectl reads, and no apiVersion with kind'})"


def _known_file(rel: str) -> str | None:
    name = posixpath.basename(rel).lower()
    what = _KNOWN_FILES.get(name)
    if what is None and name.startswith(("tsconfig", "jsconfig")) and name.endswith(".json"):
        what = "TypeScript configuration" if name.startswith("tsconfig") else "JavaScript configuration"
    if what is None and name.endswith((".json", ".jsonc")):
        folders = posixpath.dirname(rel).split("/")
        what = next((_KNOWN_FOLDERS[f] for f in reversed(folders) if f in _KNOWN_FOLDERS), None)
    return what


def _looks_like_compose(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("services"), dict) and "apiVersion" not in value


# --- turning a manifest into a Resource ------------------------------------------------------------


def address_of(kind: str, name: str, namespace: str | None) -> str:
    return f"{kind}/{namespace}/{name}" if namespace is not None else f"{kind}/{name}"


def namespace_of(manifest: Manifest) -> str | None:
    if not manifest.namespaced:
        return None
    namespace = manifest.metadata.get("namespace")
    return str(namespace) if namespace else "default"


def to_resource(manifest: Manifest, configuration: str) -> Resource:
    namespace = namespace_of(manifest)
    name = manifest.name or "(unnamed)"
    address = address_of(manifest.kind, name, namespace)
    return Resource(
        id=f"{configuration}#{address}",
        address=address,
        configuration=configuration,
        source="kubernetes",
        type=manifest.kind,
        name=name,
        file=manifest.file,
        line=manifest.line,
        namespace=namespace,
        attributes=redact(manifest.value),
        lines=dict(manifest.lines),
        origins=dict(manifest.origins),
    )


def redact(value: dict[str, Any]) -> dict[str, Any]:
    """A copy of a manifest without secret values: Secret data, secret-named env and ConfigMap values."""
    result = _drop_annotations(value)
    kind = result.get("kind")
    if kind == "Secret":
        for key in ("data", "stringData"):
            if isinstance(result.get(key), dict):
                result[key] = dict.fromkeys(result[key], REDACTED)
    elif kind == "ConfigMap":
        for key in ("data", "binaryData"):
            if isinstance(result.get(key), dict):
                result[key] = {k: REDACTED if is_secret_key(str(k)) else v for k, v in result[key].items()}
    _redact_env(result)
    return result


def _drop_annotations(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _drop_annotations(item) for key, item in value.items() if key not in DROPPED_ANNOTATIONS}
    if isinstance(value, list):
        return [_drop_annotations(item) for item in value]
    return value


def _redact_env(value: Any) -> None:
    """Env entries (``env: [{name, value}]``) whose name marks a secret lose their value."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "env" and isinstance(item, list):
                for entry in item:
                    if isinstance(entry, dict) and "value" in entry and is_secret_key(str(entry.get("name"))):
                        entry["value"] = REDACTED
            else:
                _redact_env(item)
    elif isinstance(value, list):
        for item in value:
            _redact_env(item)
