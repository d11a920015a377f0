"""The edge in front of the estate is the cloud's own: CDN, DNS routing, WAF, API gateway, certificates.

What it detects
    CDN distributions and edge functions, DNS features beyond plain records (health checks, latency or
    geo routing, alias records), WAF rule sets, API gateways and private certificate authorities whose
    catalog lock-in is medium or high or whose interface is proprietary, and in the manifests DNS
    automation bound to the cloud's DNS (external-dns providers, cert-manager DNS-01 solvers).

Why it hurts portability
    The edge is configuration in the provider's own vocabulary: cache behaviours, routing policies,
    managed rule groups and gateway integrations have no export format. Traffic cut-over also depends
    on it, so it must be rebuilt before the first workload moves.

How to migrate
    Recreate the edge at the target or an independent provider (a European CDN, PowerDNS or Designate
    with plain records, Coraza or ModSecurity rules, Kong, APISIX or Envoy Gateway), issue certificates
    with cert-manager, and lower DNS TTLs ahead of the cut-over.

Example
    ``resource "aws_cloudfront_distribution" "assets"``, ``--provider=aws`` on external-dns.
"""

from ..model import Resource
from .base import RuleContext

ID = "EP403"
NAME = "cloud-edge"
CATEGORY = "network and edge"
WEIGHT = 5
OPTIONS = {"service_kinds": ["cdn", "dns", "waf", "api-gateway", "certificate"]}


def check(resource: Resource, context: RuleContext):
    for marker in context.markers_of(resource, "dns"):
        yield context.marker_finding(
            ID, WEIGHT, resource, marker, f"DNS automation bound to {marker.cloud}: {marker.replacement}"
        )
        return
    if resource.is_data_source or resource.service_kind not in context.option(ID, OPTIONS, "service_kinds"):
        return
    if resource.lockin in (None, "none"):
        return
    if resource.lockin in ("medium", "high") or resource.interface == "proprietary":
        yield context.finding(
            ID,
            WEIGHT,
            resource,
            f"{resource.service_kind} on {resource.cloud or 'the provider'}'s edge: "
            f"{resource.lockin_reason or 'the configuration is rebuilt at the target'}",
            evidence=resource.type,
        )
