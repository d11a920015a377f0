"""Generate a realistic estate of a given size: per service a Terraform stack and its Kubernetes manifests.

Each service is one root module (`services/<name>/terraform`: a database, a bucket, a queue, an IAM role
with a heredoc policy, security groups, variables and locals) and one folder of manifests
(`services/<name>/k8s`: a multi-document file with a ServiceAccount, ConfigMap, Deployment, Service,
HPA and PDB). Names line up across the layers, as in a real repository, so the cross-layer matching is
exercised too.
"""

from __future__ import annotations

import sys
from pathlib import Path

TERRAFORM = """\
variable "environment" {{
  type    = string
  default = "prod"
}}

variable "region" {{
  type    = string
  default = "eu-central-1"
}}

locals {{
  name = "{name}-${{var.environment}}"
  tags = merge({{ service = "{name}" }}, {{ environment = var.environment }})
}}

provider "aws" {{
  region = var.region
}}

resource "aws_security_group" "db" {{
  name   = "${{local.name}}-db"
  vpc_id = "vpc-0123456789abcdef0"

  ingress {{
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }}
  tags = local.tags
}}

resource "aws_db_instance" "main" {{
  identifier             = local.name
  engine                 = "{engine}"
  instance_class         = "db.t4g.medium"
  allocated_storage      = 50
  username               = "app"
  password               = var.db_password
  vpc_security_group_ids = [aws_security_group.db.id]
  tags                   = local.tags
}}

variable "db_password" {{
  type      = string
  sensitive = true
}}

resource "aws_s3_bucket" "data" {{
  bucket = "${{local.name}}-data"
  tags   = local.tags
}}

resource "aws_s3_bucket_versioning" "data" {{
  bucket = aws_s3_bucket.data.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_sqs_queue" "events" {{
  name                       = "${{local.name}}-events"
  visibility_timeout_seconds = 60
  redrive_policy = jsonencode({{
    deadLetterTargetArn = aws_sqs_queue.events_dlq.arn
    maxReceiveCount     = 5
  }})
}}

resource "aws_sqs_queue" "events_dlq" {{
  name = "${{local.name}}-events-dlq"
}}

resource "aws_iam_role" "app" {{
  name = "${{local.name}}-app"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity", Principal = {{ Federated = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABC" }} }}]
  }})
}}

resource "aws_iam_role_policy" "app" {{
  role   = aws_iam_role.app.id
  policy = <<-EOT
    {{
      "Version": "2012-10-17",
      "Statement": [
        {{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "${{aws_s3_bucket.data.arn}}/*"}},
        {{"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": "${{aws_sqs_queue.events.arn}}"}}
      ]
    }}
  EOT
}}
"""

MANIFESTS = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
  namespace: {name}
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/{name}-prod-app
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {name}
data:
  DATABASE_HOST: {name}-prod.c9akciq32.eu-central-1.rds.amazonaws.com
  DATA_BUCKET: s3://{name}-prod-data/
  EVENTS_QUEUE_URL: https://sqs.eu-central-1.amazonaws.com/123456789012/{name}-prod-events
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {name}
  labels: {{app: {name}}}
spec:
  replicas: 3
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      serviceAccountName: {name}
      containers:
        - name: app
          image: 123456789012.dkr.ecr.eu-central-1.amazonaws.com/{name}:1.0.{index}
          ports: [{{containerPort: 8080}}]
          envFrom: [{{configMapRef: {{name: {name}-config}}}}]
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {name}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 80, targetPort: 8080}}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: {name}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {name}}}
  minReplicas: 3
  maxReplicas: 10
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
  namespace: {name}
spec:
  minAvailable: 2
  selector:
    matchLabels: {{app: {name}}}
"""

#: Resources one service contributes: 8 Terraform resources and 6 Kubernetes objects.
PER_SERVICE = 14


def generate(root: Path, resources: int) -> int:
    """Write services until about ``resources`` resources exist; return the exact count."""
    services = max(1, resources // PER_SERVICE)
    for index in range(services):
        name = f"svc{index:05d}"
        folder = root / "services" / name
        (folder / "terraform").mkdir(parents=True)
        (folder / "k8s").mkdir(parents=True)
        engine = "postgres" if index % 3 else "mysql"
        (folder / "terraform" / "main.tf").write_text(TERRAFORM.format(name=name, engine=engine))
        (folder / "k8s" / "app.yaml").write_text(MANIFESTS.format(name=name, index=index))
    return services * PER_SERVICE


if __name__ == "__main__":
    target = Path(sys.argv[1])
    print(generate(target, int(sys.argv[2]) if len(sys.argv) > 2 else 1000))
