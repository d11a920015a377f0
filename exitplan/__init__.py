"""exitplan: exit plans and migration runbooks from Terraform and Kubernetes code."""

__version__ = "0.1.0"
