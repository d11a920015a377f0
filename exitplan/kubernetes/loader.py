"""Kubernetes loader: manifests, kustomizations and Helm charts become configurations and resources.

``load`` accounts for every file it is given (an ``InputFile`` each) and never raises for bad input.
Configurations follow SPEC §3: a kustomization folder renders as one configuration (each overlay its own
variant), a Helm chart folder is one, and a connected tree of plain-manifest folders is one.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace

from ..boundary import Boundary
from ..discover import MAX_FILE_BYTES, STDIN, Discovery, SourceFile, file_format
from ..model import Configuration, InputFile, LoadResult, Resource
from . import chart_configs, helm, helm_chart, helm_render
from .flux_build import flux_builds, substitute
from .kustomize import Kustomizer, Render
from .manifests import (
    KUSTOMIZATION_FILES,
    Manifest,
    Parsed,
    address_of,
    describe_other,
    describe_unreadable_json,
    manifests_of,
    namespace_of,
    parse_source,
    to_resource,
)
from .names import join as join_path
from .plain_split import folders_of, plain_folder, split_tree

#: How each role a file plays shows up as its input format.
_ROLE_FORMATS = {
    "kustomization": "kustomization",
    "patch": "kustomize-patch",
    "chart": "helm-chart",
    "values": "helm-values",
}


@dataclass
class _Outcome:
    """What became of one file: its role, notes for its reason, how many objects it gave."""

    role: str = "manifests"
    notes: list[str] = field(default_factory=list)
    objects: int = 0


class _Loader:
    def __init__(
        self,
        discovery: Discovery,
        files: list[SourceFile],
        deployed: dict[str, tuple[str, str | None]] | None = None,
    ) -> None:
        self.root = discovery.root
        self.boundary = discovery.boundary if discovery.boundary.roots else Boundary((discovery.root,))
        self.files = {f.rel: f for f in files}
        self.folders = folders_of(self.files)
        self.chart_folders = helm.chart_dirs(list(self.files))
        self.top_charts = chart_configs.top_charts(self.chart_folders)
        self.parsed: dict[str, Parsed] = {}
        self.outcomes: dict[str, _Outcome] = {rel: _Outcome() for rel in self.files}
        self.configurations: dict[str, Configuration] = {}
        self.resources: list[Resource] = []
        self.seen: dict[tuple[str, str], tuple[str, int]] = {}
        self.extra_inputs: list[InputFile] = []
        self.deployed = deployed or {}
        self.renderer: helm_render.Renderer | None = None
        self.charts: dict[str, chart_configs.ChartOutcome] = {}

    # --- reading ----------------------------------------------------------------------------------

    def read(self, rel: str, lines: bool = True) -> Parsed | None:
        """A file below the scanned root, parsed once; None when missing or outside the root.
        ``lines=False`` when only the lines of its Kubernetes objects matter (``parse_source``)."""
        parsed = self.parsed.get(rel)
        if parsed is not None and (parsed.lines or not lines):
            return parsed
        source = self.files.get(rel) or self._on_disk(rel)
        if source is None:
            return None
        self.parsed[rel] = parse_source(source, lines)
        return self.parsed[rel]

    def _on_disk(self, rel: str) -> SourceFile | None:
        if rel == STDIN or rel.startswith(".."):
            return None
        path = self.root / rel
        try:
            resolved = path.resolve()
            if not self.boundary.contains(path) or not resolved.is_file():
                return None
            if resolved.stat().st_size > MAX_FILE_BYTES:
                return None
        except OSError:
            return None
        return SourceFile(path, rel, file_format(path.name) or "text")

    def not_read(self, entry: str, rel: str) -> str:
        """Why a kustomization's path ``entry`` (``rel`` from the scanned root) outside the root is not read."""
        if self.boundary.contains(self.root / rel):
            return f"{entry} is outside the scanned folder; not read (scan a folder that holds both)"
        return self.boundary.reason(entry)

    def is_dir(self, rel: str) -> bool:
        if rel.startswith("..") or not self.boundary.contains(self.root / rel):
            return False
        if rel in self.folders and rel not in self.files:
            return True
        try:
            return (self.root / rel).is_dir()
        except OSError:
            return False

    # --- the three kinds of configuration ---------------------------------------------------------

    def run(self) -> LoadResult:
        rels = sorted(r for r in self.files if r != STDIN)
        charts = self.chart_folders
        kustomizations = {
            posixpath.dirname(r) or "." for r in rels if posixpath.basename(r) in KUSTOMIZATION_FILES
        }
        listed = {d: chart_configs.kustomize_charts(self.read, d, charts) for d in sorted(kustomizations)}
        if any(listed.values()) and helm_render.find_renderer() is not None:
            for directory, found in listed.items():
                for chart in found:
                    self.deployed.setdefault(chart, (f"rendered by the kustomization in {directory}", None))
        self._charts(rels, charts)
        self._kustomizations(sorted(kustomizations))
        special = charts | kustomizations
        trees: dict[str, list[str]] = {}
        for rel in rels:
            outcome = self.outcomes[rel]
            if outcome.role != "manifests" or helm.chart_of(rel, charts) is not None:
                continue
            folder = plain_folder(rel, special)
            if folder is None:
                outcome.role = "unlisted"
                continue
            trees.setdefault(folder, []).append(rel)
        for folder, files in sorted(trees.items()):
            self._plain_tree(folder, files)
        if STDIN in self.files:
            self._emit(manifests_of(self.read(STDIN)), STDIN, "stdin")
        inputs = [self._input(rel) for rel in self.files] + self.extra_inputs
        return LoadResult(
            tuple(sorted(inputs)),
            tuple(sorted(self.configurations.values())),
            tuple(self.resources),
        )

    def _charts(self, rels: list[str], charts: set[str]) -> None:
        top = self.top_charts
        for rel in rels:
            chart = helm.chart_of(rel, charts)
            if chart is None:
                continue
            role = helm.role_in_chart(rel, chart)
            self.outcomes[rel].role = "template" if role == "template" else role
            if role == "other":
                self.outcomes[rel].role = "chart-manifests"
                self._emit(manifests_of(self.read(rel)), chart, "helm-chart")
        wanted = any(c not in self.deployed for c in top)
        self.renderer = helm_render.find_renderer() if wanted else None
        self.charts = chart_configs.render_charts(
            self.root, rels, charts, self.read, self._emit_chart, self.renderer, self.deployed
        )
        for chart in sorted(top):
            outcome = self.charts.get(chart)
            if chart not in self.deployed:  # a chart a release renders is that release's objects
                self.configurations.setdefault(chart, Configuration(chart, "kubernetes", "helm-chart"))
                chart_file = self.read(join_path(chart, helm.CHART_FILE))
                values = self.read(join_path(chart, "values.yaml")) or self.read(
                    join_path(chart, "values.yml")
                )
                resource = helm.chart_resource(chart, chart_file, values) if chart_file else None
                if resource is not None:
                    self.resources.append(resource)
            if outcome is not None and outcome.summary:
                self.outcomes[join_path(chart, helm.CHART_FILE)].notes.append(outcome.summary)
            for rel, note in (outcome.notes if outcome is not None else {}).items():
                if rel in self.outcomes:
                    self.outcomes[rel].notes.append(note)

    def _kustomize_chart(
        self, chart: str, values: dict, release: str, namespace: str | None
    ) -> list[Manifest] | str:
        """A kustomization's ``helmCharts`` entry with a local chart, rendered like any chart."""
        renderer = self.renderer or helm_render.find_renderer()
        if renderer is None:
            return f"no Helm renderer ({helm_render.INSTALL_HINT})"
        parsed = self.read(join_path(chart, helm.CHART_FILE))
        metadata = chart_configs.chart_metadata(parsed)
        if metadata is None:
            return f"no {helm.CHART_FILE} in {chart}"
        info = helm_chart.read_chart(self.root, chart, metadata)
        render = helm_chart.render_chart(
            renderer, self.root, info, values, release=release, namespace=namespace
        )
        return render.error if render.error is not None else render.manifests

    def _emit_chart(self, manifests: list[Manifest], name: str, configuration: Configuration) -> None:
        self.configurations[name] = configuration
        self._emit(manifests, name, configuration.kind)

    def _kustomizations(self, directories: list[str]) -> None:
        kustomizer = Kustomizer(self.read, self.is_dir, self.not_read, self._kustomize_chart)
        outside_charts = (r for r in self.files if helm.chart_of(r, self.chart_folders) is None)
        builds = flux_builds(outside_charts, lambda rel: self.read(rel, lines=False))
        included_by: dict[str, list[str]] = {}
        components: list[str] = []
        for directory in directories:  # sorted: a folder before the ones inside it
            probe = Render()
            kustomization = kustomizer.load(directory, probe)
            self._account(probe)
            if kustomization is not None and kustomization.is_component:
                components.append(directory)  # it only means something inside the kustomizations using it
                continue
            if any(directory.startswith(f"{c}/") for c in components):
                continue  # a kustomization inside a component's folder is a part of that component
            build = builds.get(directory)  # a Flux Kustomization adds components and variables
            render = kustomizer.render(directory, build.components if build else ())
            self._account(render)
            substitute(render.manifests, build)
            self._emit(render.manifests, directory, "kustomization", build.note if build else None)
            for base in render.included:
                included_by.setdefault(base, []).append(directory)
        for base, overlays in included_by.items():
            if base in self.configurations:
                self.configurations[base] = replace(
                    self.configurations[base], included_by=tuple(sorted(overlays))
                )

    def _plain_tree(self, folder: str, files: list[str]) -> None:
        """A tree of plain-manifest folders: one configuration, split where its objects clash."""
        manifests = {rel: manifests_of(self.read(rel, lines=False)) for rel in files}
        split = split_tree(
            folder,
            {
                rel: [address_of(m.kind, m.name or "(unnamed)", namespace_of(m)) for m in found]
                for rel, found in manifests.items()
            },
        )
        for rel in files:
            configuration = split.configuration[rel]
            reason = split.reasons.get(configuration)
            if reason is not None:
                self.outcomes[rel].notes.append(f"read as configuration {configuration}: {reason}")
                note = f"split from {folder}: {reason}"
                self.configurations.setdefault(
                    configuration, Configuration(configuration, "kubernetes", "manifests", note)
                )
            self._emit(manifests[rel], configuration, "manifests")

    def _account(self, render: Render) -> None:
        for rel, role in render.roles.items():
            outcome = self.outcomes.get(rel)
            if outcome is not None and outcome.role in ("manifests", "unlisted"):
                outcome.role = role
        for rel, notes in render.notes.items():
            outcome = self.outcomes.get(rel)
            if outcome is not None:
                outcome.notes.extend(n for n in notes if n not in outcome.notes)
        for url, file, line in render.remote:
            record = InputFile(
                url, "kustomization", "skipped", f"remote resource listed in {file}:{line}; not fetched"
            )
            if record not in self.extra_inputs:
                self.extra_inputs.append(record)

    def _emit(
        self, manifests: list[Manifest], configuration: str, kind: str, note: str | None = None
    ) -> None:
        self.configurations.setdefault(configuration, Configuration(configuration, "kubernetes", kind, note))
        for manifest in manifests:
            address = address_of(manifest.kind, manifest.name or "(unnamed)", namespace_of(manifest))
            first = self.seen.get((configuration, address))
            outcome = self.outcomes.get(manifest.file)
            if first is not None:
                if outcome is not None:
                    outcome.notes.append(
                        f"duplicate object {address} (first at {first[0]}:{first[1]}); kept the first"
                    )
                continue
            self.seen[(configuration, address)] = (manifest.file, manifest.line)
            if outcome is not None:
                outcome.objects += 1
            self.resources.append(to_resource(manifest, configuration))

    # --- the input record of each file ------------------------------------------------------------

    def _input(self, rel: str) -> InputFile:
        outcome = self.outcomes[rel]
        if outcome.role == "template":
            return self._template_input(rel)
        parsed = self.read(rel, lines=False)
        notes = "; ".join(outcome.notes) or None
        error = parsed.error if parsed else None
        chart_error = self._chart_error(rel)
        if chart_error is not None and error is None:
            return InputFile(rel, _ROLE_FORMATS.get(outcome.role, "kubernetes"), "error", chart_error)
        fmt = _ROLE_FORMATS.get(outcome.role, "kubernetes")
        if error is not None and not parsed.stream.documents and "{{" in parsed.text:
            return InputFile(rel, "helm-template", "skipped", _GO_TEMPLATE)
        if error is not None and _TERRAFORM_DIRECTIVE.search(parsed.text):
            return InputFile(rel, "terraform-template", "skipped", _TERRAFORM_TEMPLATE)
        if error is not None and self.files[rel].format == "json":
            reason = describe_unreadable_json(rel, parsed.text)
            if reason is not None:
                return InputFile(rel, "json", "skipped", reason)
        if error is not None:
            readable = any(d.value is not None for d in parsed.stream.documents)
            if not readable and outcome.role not in _ROLE_FORMATS:
                fmt = self.files[rel].format
            reason = "; ".join(filter(None, [error.reason, notes]))
            return InputFile(rel, fmt, "error", reason, error.line)
        if outcome.role in _ROLE_FORMATS:
            return InputFile(rel, fmt, "parsed", notes)
        if outcome.role == "unlisted" and manifests_of(parsed):
            folder = posixpath.dirname(rel) or "."
            return InputFile(rel, "kubernetes", "skipped", f"not listed in the kustomization in {folder}")
        if outcome.objects or manifests_of(parsed):
            return InputFile(rel, "kubernetes", "parsed", notes)
        if not any(d.value is not None for d in parsed.stream.documents):
            return InputFile(rel, self.files[rel].format, "skipped", "empty file")
        return InputFile(rel, self.files[rel].format, "skipped", describe_other(rel, parsed.stream.documents))

    def _chart_outcome(self, rel: str) -> chart_configs.ChartOutcome | None:
        chart = helm.chart_of(rel, self.top_charts)
        return self.charts.get(chart) if chart is not None else None

    def _chart_error(self, rel: str) -> str | None:
        outcome = self._chart_outcome(rel)
        return outcome.errors.get(rel) if outcome is not None else None

    def _template_input(self, rel: str) -> InputFile:
        chart = helm.chart_of(rel, self.top_charts) or "."
        outcome = self.charts.get(chart)
        if outcome is None or not outcome.rendered:
            return helm.template_input(rel, chart)
        if rel in outcome.errors:
            return InputFile(rel, "helm-template", "error", outcome.errors[rel])
        count = outcome.templates.get(rel)
        if count is not None:
            return InputFile(rel, "helm-template", "parsed", f"rendered: {count}")
        if rel.endswith(".tpl") or posixpath.basename(rel).startswith("_"):
            return InputFile(
                rel, "helm-template", "parsed", "template helpers, used by the chart's templates"
            )
        if chart in self.deployed:
            return InputFile(rel, "helm-template", "parsed", self.deployed[chart][0])
        return InputFile(rel, "helm-template", "parsed", "rendered: no objects with these values")


_GO_TEMPLATE = (
    "Go template (contains {{ … }}), not YAML until rendered: render it first, "
    "e.g. `helm template … | exitplan scan -`"
)


#: ``%{ if … }``, ``%{ for … }``, ``%{ endif }`` at a line's start: Terraform template directives.
_TERRAFORM_DIRECTIVE = re.compile(r"^[ \t]*%\{~?\s*(if|for|else|endif|endfor)\b", re.MULTILINE)
_TERRAFORM_TEMPLATE = (
    "Terraform template (contains %{ … } directives), not YAML until Terraform renders it; "
    "no templatefile() call with a literal path names it"
)


def load(
    discovery: Discovery, files: list[SourceFile], deployed: dict[str, tuple[str, str | None]] | None = None
) -> LoadResult:
    """Read the YAML and JSON files (and stdin) given as Kubernetes input. ``deployed``: chart folders
    that Terraform releases in the scan render, not rendered alone (chart → what that gave, an error)."""
    return _Loader(discovery, files, deployed).run()
