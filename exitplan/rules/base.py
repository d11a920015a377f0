"""What every rule shares: the context it reads and the way it reports a finding.

A rule is a module with ``ID``, ``NAME``, ``CATEGORY``, ``WEIGHT``, ``OPTIONS`` (defaults) and
``check(resource, context)`` yielding findings. Its docstring is its documentation, with the headings
*What it detects*, *Why it hurts portability*, *How to migrate* and *Example*.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..model import Finding, Path, Resource

CATEGORIES = {
    1: "compute",
    2: "data",
    3: "messaging",
    4: "network and edge",
    5: "identity and keys",
    6: "platform and operations",
    7: "sovereignty",
}


@dataclass(frozen=True)
class RuleContext:
    resources: Mapping[str, Resource]
    #: Coupling markers found in each resource, by resource id (see exitplan.markers).
    markers: Mapping[str, tuple] = field(default_factory=dict)
    #: Per-rule settings from the config: {"EP201": {"weight": 30, ...}}.
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: Facts about the clouds (jurisdiction, saas), by cloud name, from the service catalog.
    clouds: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: What each resource needs: its direct dependencies in the graph, by resource id.
    needs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: The reverse: which resources need each resource directly, by resource id.
    needed_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: (resource id, "cloud/service kind") where a value of the resource names a Terraform resource of
    #: that kind: the Terraform resource is judged itself, so the setting naming it is not judged again.
    linked: frozenset[tuple[str, str]] = frozenset()

    def option(self, rule_id: str, defaults: Mapping[str, Any], name: str) -> Any:
        return self.settings.get(rule_id, {}).get(name, defaults.get(name))

    def markers_of(self, resource: Resource, *categories: str) -> list:
        """The resource's coupling markers in ``categories`` (all when none given) that carry lock-in:
        a marker of lock-in "none" (an OpenStack-native driver) is never a finding."""
        found = self.markers.get(resource.id)
        if not found:  # most resources carry none
            return []
        return [
            m
            for m in found
            if (not categories or m.category in categories) and m.lockin not in ("none", None)
        ]

    def named_services(
        self, resource: Resource, judged: Callable[[str, str | None, str | None], bool]
    ) -> list:
        """Markers in ``resource``'s settings naming a service that ``judged(kind, interface, lockin)``
        accepts: one per service (a value before a setting's name), none where a value of the resource
        names a Terraform resource of that service kind."""
        chosen: dict[str, Any] = {}
        for marker in self.markers.get(resource.id, ()):
            if not marker.identified or marker.service_kind == resource.service_kind:
                continue  # a resource of that service naming it (a model ARN in a model's own settings)
            if (resource.id, f"{marker.cloud}/{marker.service_kind}") in self.linked:
                continue
            if not judged(marker.service_kind, marker.interface, marker.service_lockin):
                continue
            known = chosen.get(marker.service_type)
            if known is None or (known.setting_name and not marker.setting_name):
                chosen[marker.service_type] = marker
        return sorted(chosen.values())

    def named_finding(self, rule_id: str, weight: int, resource: Resource, marker, message: str) -> Finding:
        """A finding on a setting that names a service: the rule's weight, confidence ``inferred``."""
        found = self.marker_finding(rule_id, weight, resource, marker, message)
        return replace(found, confidence="inferred")

    def named_service_findings(
        self,
        rule_id: str,
        weight: int,
        resource: Resource,
        judged: Callable[[str, str | None, str | None], bool],
        message: Callable[[Any], str],
    ) -> Iterator[Finding]:
        """One finding per service that ``resource``'s settings name and ``judged`` accepts, worded by
        ``message(marker)``: how a rule judges a setting as it judges a Terraform resource of that service."""
        for marker in self.named_services(resource, judged):
            yield self.named_finding(rule_id, weight, resource, marker, message(marker))

    def finding(
        self,
        rule_id: str,
        weight: int,
        resource: Resource,
        message: str,
        *,
        path: Path = (),
        evidence: str = "",
        file: str | None = None,
        line: int | None = None,
    ) -> Finding:
        """A finding at ``path`` of ``resource``: its own file:line, or a patch's where one set the value."""
        where = resource.location_of(path) if path else resource.location
        return Finding(
            rule=rule_id,
            resource=resource.id,
            file=file or where.file,
            line=line or where.line,
            message=message,
            weight=int(self.settings.get(rule_id, {}).get("weight", weight)),
            evidence=evidence,
        )

    def marker_finding(self, rule_id: str, weight: int, resource: Resource, marker, message: str) -> Finding:
        return self.finding(
            rule_id,
            weight,
            resource,
            message,
            evidence=f"{marker.path}: {marker.value}",
            file=marker.file,
            line=marker.line,
        )


def cloud_service(resource: Resource, service_kind: str) -> bool:
    """A managed Terraform resource of ``service_kind`` that holds data on a cloud with lock-in."""
    return (
        resource.source == "terraform"
        and not resource.is_data_source
        and resource.service_kind == service_kind
        and resource.cloud is not None
        and resource.lockin not in (None, "none")
        and resource.stateful
    )
