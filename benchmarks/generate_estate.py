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

from library_docs import VERSIONS, documented

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


# --- The module-library shape -------------------------------------------------------------------------
#
# A landing-zone framework: a library of core modules (org → folders → projects → network) and of service
# modules, and landing-zone roots that call them. Modules hand whole module objects and `for`-built maps of
# objects to each other (`folder = module.folders[each.value.folder]`, `combined = local.combined` with
# every core module in it, `upstream = module.svc_002`), and outputs re-export their inputs or are built
# with `for` over other modules' outputs. Placeholders are @NAME@, so HCL's own braces stay as they are.

CORE = {
    "org": {
        "variables.tf": 'variable "name" {\n  type = string\n}\n',
        "main.tf": """\
resource "google_folder" "root" {
  display_name = var.name
  parent       = "organizations/123456789012"
}

resource "google_storage_bucket" "audit" {
  name     = "${var.name}-audit-logs"
  location = "EU"
}

resource "google_logging_organization_sink" "audit" {
  name             = "${var.name}-audit"
  org_id           = "123456789012"
  destination      = "storage.googleapis.com/${google_storage_bucket.audit.name}"
  include_children = true
}
""",
        "outputs.tf": """\
output "id" {
  value = google_folder.root.name
}

output "audit_bucket" {
  value = google_storage_bucket.audit.url
}

output "sink" {
  value = google_logging_organization_sink.audit
}
""",
    },
    "folder": {
        "variables.tf": 'variable "name" {\n  type = string\n}\n\nvariable "org" {\n  type = any\n}\n',
        "main.tf": """\
resource "google_folder" "this" {
  display_name = var.name
  parent       = var.org.id
}

resource "google_folder_iam_member" "auditors" {
  folder = google_folder.this.name
  role   = "roles/viewer"
  member = "group:auditors@example.com"
}
""",
        "outputs.tf": """\
output "id" {
  value = google_folder.this.name
}

output "org" {
  value = var.org
}

output "audit" {
  value = { bucket = var.org.audit_bucket, folder = google_folder.this.name }
}

output "parent_id" {
  value = var.org.id
}
""",
    },
    "project": {
        "variables.tf": """\
variable "name" {
  type = string
}

variable "folder" {
  type = any
}

variable "folders" {
  type = map(any)
}
""",
        "main.tf": """\
locals {
  siblings = { for key, folder in var.folders : key => folder.id }
}

resource "google_project" "this" {
  name       = var.name
  project_id = var.name
  folder_id  = var.folder.id
  labels     = { siblings = join("-", keys(local.siblings)) }
}

resource "google_project_service" "apis" {
  for_each = toset(["run.googleapis.com", "sqladmin.googleapis.com", "pubsub.googleapis.com"])
  project  = google_project.this.project_id
  service  = each.key
}
""",
        "outputs.tf": """\
output "project_id" {
  value = google_project.this.project_id
}

output "folder" {
  value = var.folder
}

output "folder_id" {
  value = var.folder.id
}

output "siblings" {
  value = { for key, folder in var.folders : key => folder.audit }
}

output "org" {
  value = var.folder.org
}
""",
    },
    "network": {
        "variables.tf": """\
variable "name" {
  type = string
}

variable "projects" {
  type = map(any)
}

variable "org" {
  type = any
}
""",
        "main.tf": """\
resource "google_compute_network" "shared" {
  name                    = "${var.name}-shared"
  project                 = values(var.projects)[0].project_id
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "team" {
  for_each      = var.projects
  name          = "${var.name}-${each.key}"
  project       = each.value.project_id
  network       = google_compute_network.shared.id
  ip_cidr_range = "10.0.0.0/24"
  region        = "europe-west3"
}

resource "google_compute_firewall" "internal" {
  name    = "${var.name}-internal"
  network = google_compute_network.shared.name
  project = values(var.projects)[0].project_id
  allow {
    protocol = "tcp"
  }
  description = "audit: ${var.org.audit_bucket}"
}
""",
        "outputs.tf": """\
output "network" {
  value = google_compute_network.shared
}

output "subnets" {
  value = {
    for key, subnet in google_compute_subnetwork.team :
    key => { id = subnet.id, project = var.projects[key].project_id, folder = var.projects[key].folder_id }
  }
}

output "projects" {
  value = var.projects
}

output "org" {
  value = var.org
}
""",
    },
}

SERVICE_KINDS = {
    "database": """\
resource "google_sql_database_instance" "this" {
  name             = var.name
  project          = var.project.project_id
  database_version = "POSTGRES_15"
  region           = "europe-west3"
  settings {
    tier        = "db-custom-2-7680"
    user_labels = local.labels
    ip_configuration {
      ipv4_enabled    = false
      private_network = var.combined.network.network.id
    }
  }
}

resource "google_sql_database" "this" {
  name     = var.name
  instance = google_sql_database_instance.this.name
  project  = var.project.project_id
}
""",
    "bucket": """\
resource "google_storage_bucket" "this" {
  name     = "${var.name}-data"
  project  = var.project.project_id
  location = "EU"
  labels   = local.labels
}

resource "google_storage_bucket_iam_member" "reader" {
  bucket = google_storage_bucket.this.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${var.project.project_id}@appspot.gserviceaccount.com"
}
""",
    "queue": """\
resource "google_pubsub_topic" "this" {
  name    = var.name
  project = var.project.project_id
  labels  = local.labels
}

resource "google_pubsub_subscription" "this" {
  name    = "${var.name}-workers"
  project = var.project.project_id
  topic   = google_pubsub_topic.this.id
}
""",
    "app": """\
resource "google_service_account" "this" {
  account_id = var.name
  project    = var.project.project_id
}

resource "google_cloud_run_v2_service" "this" {
  name     = var.name
  project  = var.project.project_id
  location = "europe-west3"
  labels   = local.labels
  template {
    service_account = google_service_account.this.email
    vpc_access {
      network_interfaces {
        network    = var.combined.network.network.id
        subnetwork = [for key, subnet in var.subnets : subnet.id][0]
      }
    }
    containers {
      image = "europe-docker.pkg.dev/acme/${var.name}:1.0"
      env {
        name  = "UPSTREAM"
        value = jsonencode([for key, item in var.upstream : item.endpoint])
      }
    }
  }
}
""",
}

SERVICE_ENDPOINT = {
    "database": "google_sql_database_instance.this.connection_name",
    "bucket": "google_storage_bucket.this.url",
    "queue": "google_pubsub_topic.this.id",
    "app": "google_cloud_run_v2_service.this.uri",
}

SERVICE_VARIABLES = """\
variable "name" {
  type = string
}

variable "project" {
  type = any
}

variable "subnets" {
  type = map(any)
}

variable "combined" {
  type = any
}

variable "upstream" {
  type    = any
  default = {}
}

locals {
  labels = {
    org     = var.combined.org.id
    folder  = var.project.folder_id
    network = var.combined.network.network.name
  }
}
"""

SERVICE_OUTPUTS = """\
output "id" {
  value = @ENDPOINT@
}

output "endpoint" {
  value = @ENDPOINT@
}

output "project" {
  value = var.project
}

output "context" {
  value = { project = var.project.project_id, network = var.combined.network.network, upstream = var.upstream }
}

output "upstream" {
  value = var.upstream
}
"""

LANDING_ZONE_MAIN = """\
locals {
  combined = {
    org      = module.org
    folders  = module.folders
    projects = module.projects
    network  = module.network
  }
}

module "org" {
  source = "../../library/core/org"
  name   = var.landing_zone
}

module "folders" {
  source   = "../../library/core/folder"
  for_each = toset(var.folders)
  name     = "${var.landing_zone}-${each.key}"
  org      = module.org
}

module "projects" {
  source   = "../../library/core/project"
  for_each = var.teams
  name     = "${var.landing_zone}-${each.key}"
  folder   = module.folders[each.value.folder]
  folders  = { for key, folder in module.folders : key => folder }
}

module "network" {
  source   = "../../library/core/network"
  name     = var.landing_zone
  projects = module.projects
  org      = module.org
}

resource "google_dns_managed_zone" "internal" {
  name     = "${var.landing_zone}-internal"
  dns_name = "${var.landing_zone}.internal."
  project  = module.projects["platform"].project_id
  private_visibility_config {
    networks {
      network_url = module.network.network.id
    }
  }
}
"""

LANDING_ZONE_CALL = """\
module "@SVC@" {
  source   = "../../library/services/@SVC@"
  for_each = var.@SVC@
  name     = "${var.landing_zone}-@SVC@-${each.key}"
  project  = module.projects[each.value.team]
  subnets  = { for key, subnet in module.network.subnets : key => subnet if key == each.value.team }
  combined = local.combined
@UPSTREAM@}

resource "google_dns_record_set" "@SVC@" {
  for_each     = module.@SVC@
  managed_zone = google_dns_managed_zone.internal.name
  name         = "${each.key}.@SVC@.${google_dns_managed_zone.internal.dns_name}"
  type         = "CNAME"
  ttl          = 300
  rrdatas      = [each.value.endpoint]
}

"""

LANDING_ZONE_VARIABLES = """\
variable "landing_zone" {
  type = string
}

variable "folders" {
  type = list(string)
}

variable "teams" {
  type = map(object({ folder = string }))
}

"""

#: Files per landing zone besides its services (main, services, variables, outputs, versions, tfvars), per
#: service module (main, variables, outputs, versions) and per core module; the bare estate has no versions.tf.
LZ_FILES, SERVICE_FILES, CORE_FILES, SERVICES_PER_LZ, TIERS = 6, 4, 4, 24, 4
TEAMS = {"platform": "shared", "shop": "apps", "ledger": "data", "search": "apps"}


def generate_module_library(root: Path, tf_files: int, documented: bool = True) -> int:
    """Write a module-library estate of about ``tf_files`` Terraform files (tfvars included); return the
    number of resource blocks written. ``documented`` gives every module the descriptions, validations,
    versions.tf and header a published library has (benchmarks/library_docs.py); without it the files
    hold only the blocks and references."""
    write = _Writer(documented)
    blocks = 0
    for name, files in CORE.items():
        folder = root / "library" / "core" / name
        for file_name, text in files.items():
            write(folder, file_name, text, f"core/{name}")
            blocks += text.count("\nresource ") + text.startswith("resource ")
    budget = tf_files - len(CORE) * write.per_module(CORE_FILES)
    zone = 0
    while budget > write.per_module(LZ_FILES):
        services = min(
            SERVICES_PER_LZ, (budget - write.per_module(LZ_FILES)) // write.per_module(SERVICE_FILES)
        )
        if services < 1:
            break
        blocks += _landing_zone(root, zone, services, write)
        budget -= write.per_module(LZ_FILES) + services * write.per_module(SERVICE_FILES)
        zone += 1
    return blocks


class _Writer:
    """Writes a module's files, documented or bare, adding versions.tf to each documented module."""

    def __init__(self, documented: bool) -> None:
        self.documented = documented

    def per_module(self, files: int) -> int:
        return files if self.documented else files - 1

    def __call__(self, folder: Path, file_name: str, text: str, module: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.documented:
            text = documented(file_name, text, module)
            if not (folder / "versions.tf").exists():
                (folder / "versions.tf").write_text(VERSIONS)
        (folder / file_name).write_text(text)


def _landing_zone(root: Path, zone: int, services: int, write: _Writer) -> int:
    lz = f"lz{zone:03d}"
    folder = root / "landingzones" / lz
    calls, variables, tfvars, outputs = [], [LANDING_ZONE_VARIABLES], [], []
    blocks = 1
    for index in range(services):
        svc = f"svc_{zone:03d}_{index:02d}"
        kind = list(SERVICE_KINDS)[index % len(SERVICE_KINDS)]
        tier = index % TIERS
        upstream = f"  upstream = module.svc_{zone:03d}_{index - 1:02d}\n" if tier else ""
        calls.append(LANDING_ZONE_CALL.replace("@SVC@", svc).replace("@UPSTREAM@", upstream))
        variables.append(f'variable "{svc}" {{\n  type = map(object({{ team = string }}))\n}}\n\n')
        team = list(TEAMS)[1 + index % (len(TEAMS) - 1)]
        tfvars.append(f'{svc} = {{\n  blue  = {{ team = "{team}" }}\n  green = {{ team = "{team}" }}\n}}\n')
        outputs.append(f"    {svc} = {{ for key, svc in module.{svc} : key => svc.endpoint }}\n")
        service = root / "library" / "services" / svc
        main = SERVICE_KINDS[kind]
        module = f"services/{svc} ({kind})"
        write(service, "main.tf", main, module)
        write(service, "variables.tf", SERVICE_VARIABLES, module)
        write(service, "outputs.tf", SERVICE_OUTPUTS.replace("@ENDPOINT@", SERVICE_ENDPOINT[kind]), module)
        blocks += 1 + main.count("\nresource ") + main.startswith("resource ")
    module = f"landing zone {lz}"
    write(folder, "main.tf", LANDING_ZONE_MAIN, module)
    write(folder, "services.tf", "".join(calls), module)
    write(folder, "variables.tf", "".join(variables).rstrip() + "\n", module)
    teams = "".join(f'  {name} = {{ folder = "{group}" }}\n' for name, group in TEAMS.items())
    write(
        folder,
        "terraform.tfvars",
        f'landing_zone = "{lz.replace("lz", "acme-lz")}"\nfolders      = ["shared", "apps", "data"]\n'
        f"teams = {{\n{teams}}}\n\n" + "\n".join(tfvars),
        module,
    )
    write(
        folder,
        "outputs.tf",
        'output "services" {\n  value = {\n'
        + "".join(outputs)
        + "  }\n}\n\n"
        + 'output "projects" {\n  value = { for key, project in module.projects : key => project.project_id }\n}\n',
        module,
    )
    return blocks


SHAPES = {
    "services": generate,
    "module-library": generate_module_library,
    "module-library-bare": lambda root, tf_files: generate_module_library(root, tf_files, documented=False),
}


if __name__ == "__main__":
    # generate_estate.py DIR [SIZE] [SHAPE]: SIZE is resources for "services", .tf files for "module-library"
    target = Path(sys.argv[1])
    shape = sys.argv[3] if len(sys.argv) > 3 else "services"
    print(SHAPES[shape](target, int(sys.argv[2]) if len(sys.argv) > 2 else 1000))
