from exitplan.graph.edges_config import consumed_keys, route_config_values
from exitplan.model import Edge
from tests.factories import k8s, tf


def _deployment(name, env=(), env_from=(), volumes=()):
    container = {"name": name, "image": f"{name}:1", "env": list(env), "envFrom": list(env_from)}
    spec = {"template": {"spec": {"containers": [container], "volumes": list(volumes)}}}
    return k8s("Deployment", name, spec=spec)


def test_keys_read_by_env_from_key_refs_and_volumes():
    web = _deployment(
        "web",
        env=[{"name": "API", "valueFrom": {"configMapKeyRef": {"name": "shared", "key": "API_URL"}}}],
        env_from=[{"configMapRef": {"name": "web-config"}}],
        volumes=[
            {"name": "v", "configMap": {"name": "files", "items": [{"key": "nginx.conf", "path": "n"}]}}
        ],
    )
    assert consumed_keys(web) == {"shared": {"API_URL"}, "web-config": {"*"}, "files": {"nginx.conf"}}


def test_endpoint_in_a_shared_config_map_is_a_need_of_the_readers_of_that_key_only():
    shared = k8s("ConfigMap", "shared")
    table = tf("aws_dynamodb_table", "carts")
    bucket = tf("aws_s3_bucket", "assets")
    web = _deployment(
        "web", env=[{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "shared", "key": "ASSETS"}}}]
    )
    orders = _deployment("orders", env_from=[{"configMapRef": {"name": "shared"}}])
    edges = [
        Edge(shared.id, table.id, "uses-table", via="data.CARTS_TABLE (same name)", confidence="inferred"),
        Edge(shared.id, bucket.id, "uses-bucket", via="data.ASSETS (matches s3://{name})"),
        Edge(web.id, shared.id, "uses-configmap"),
    ]
    routed = route_config_values([shared, table, bucket, web, orders], edges)
    pairs = {(e.source, e.target, e.kind, e.confidence) for e in routed}
    assert pairs == {
        (web.id, shared.id, "uses-configmap", "explicit"),
        (web.id, bucket.id, "uses-bucket", "explicit"),
        (orders.id, bucket.id, "uses-bucket", "explicit"),
        (orders.id, table.id, "uses-table", "inferred"),
    }
    assert next(e for e in routed if e.target == table.id).via.startswith(
        "configmap shared: data.CARTS_TABLE"
    )


def test_a_config_map_nobody_reads_keeps_its_edges():
    lonely = k8s("ConfigMap", "lonely")
    table = tf("aws_dynamodb_table", "carts")
    edge = Edge(lonely.id, table.id, "uses-table", via="data.TABLE (same name)")
    assert route_config_values([lonely, table], [edge]) == [edge]
