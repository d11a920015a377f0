output "table_name" {
  description = "Name of the service's table."
  value       = aws_dynamodb_table.this.name
}

output "role_arn" {
  description = "ARN of the IRSA role; the service account's eks.amazonaws.com/role-arn."
  value       = aws_iam_role.this.arn
}
