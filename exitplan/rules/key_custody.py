"""The provider's key service holds the only copy of the keys.

What it detects
    Keys created in the provider's KMS or key vault (AWS KMS, Azure Key Vault keys, Cloud KMS) that
    encrypt the estate's data.

Why it hurts portability
    Key material generated inside a provider's KMS cannot be exported. Whoever controls the KMS can
    stop every decryption, and on exit every byte encrypted under those keys must be decrypted and
    re-encrypted while the old provider is still reachable.

How to migrate
    Hold keys the organisation controls: import your own key material (BYOK) or use an external key
    manager (Vault/OpenBao Transit, OpenStack Barbican, the target's KMS). Plan re-encryption of each data
    store into the migration, before the source account closes.

Example
    ``resource "aws_kms_key" "data" { enable_key_rotation = true }``
"""

from ..model import Resource
from .base import RuleContext

ID = "EP502"
NAME = "key-custody"
CATEGORY = "identity and keys"
WEIGHT = 10
OPTIONS: dict = {}


def check(resource: Resource, context: RuleContext):
    if (
        resource.is_data_source
        or resource.service_kind != "key-management"
        or resource.lockin in (None, "none")
    ):
        return
    if (
        not resource.type.endswith(("_key", "_crypto_key", "_key_vault_key", "key_ring"))
        and resource.type != "module"
    ):
        return
    yield context.finding(
        ID,
        WEIGHT,
        resource,
        f"keys held only in {resource.cloud or 'the provider'}'s key service: data encrypted with them "
        "must be re-encrypted before the exit",
        evidence=resource.type,
    )
