"""The rules, listed explicitly: adding a rule means adding its module here (sorted by id)."""

from . import (
    accelerator_dependency,
    cloud_edge,
    cloud_endpoint_in_config,
    cloud_identity,
    cloud_ingress,
    cloud_registry,
    cloud_secret_store,
    cloud_storage,
    data_jurisdiction,
    data_to_move,
    key_custody,
    managed_kubernetes_features,
    managed_open_database,
    managed_open_messaging,
    object_storage,
    proprietary_compute,
    proprietary_data_api,
    proprietary_iam_actions,
    proprietary_messaging,
    proprietary_model_hosting,
    removed_kubernetes_api,
    saas_control_plane,
    unclassified_resource,
)

RULES = (
    proprietary_compute,  # EP101
    managed_kubernetes_features,  # EP102
    accelerator_dependency,  # EP103
    proprietary_model_hosting,  # EP104
    proprietary_data_api,  # EP201
    managed_open_database,  # EP202
    data_to_move,  # EP203
    object_storage,  # EP204
    proprietary_messaging,  # EP301
    managed_open_messaging,  # EP302
    cloud_ingress,  # EP401
    cloud_storage,  # EP402
    cloud_edge,  # EP403
    cloud_identity,  # EP501
    key_custody,  # EP502
    cloud_secret_store,  # EP503
    proprietary_iam_actions,  # EP504
    cloud_registry,  # EP601
    cloud_endpoint_in_config,  # EP602
    unclassified_resource,  # EP603
    removed_kubernetes_api,  # EP604
    data_jurisdiction,  # EP701
    saas_control_plane,  # EP702
)

BY_ID = {rule.ID: rule for rule in RULES}
