output "queue_url" {
  description = "URL of the job queue."
  value       = aws_sqs_queue.jobs.url
}

output "queue_arn" {
  description = "ARN of the job queue, for producers' IAM policies."
  value       = aws_sqs_queue.jobs.arn
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dead_letter.arn
}

output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.worker.function_name
}
