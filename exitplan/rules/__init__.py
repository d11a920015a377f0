"""The rules, listed explicitly: adding a rule means adding its module here."""

from . import (
    cloud_identity,
    cloud_ingress,
    cloud_storage,
    data_to_move,
    key_custody,
    managed_open_database,
    proprietary_compute,
    proprietary_data_api,
    proprietary_messaging,
)

RULES = (
    proprietary_compute,
    proprietary_data_api,
    managed_open_database,
    data_to_move,
    proprietary_messaging,
    cloud_ingress,
    cloud_storage,
    cloud_identity,
    key_custody,
)

BY_ID = {rule.ID: rule for rule in RULES}
