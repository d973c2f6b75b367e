# A user with a password set by Terraform.
resource "infomaniak_cloud_user" "ci" {
  public_cloud_id = 1001
  project_id      = 2001
  description     = "CI runner"
  password        = var.ci_password

  timeouts {
    create = "15m"
  }
}

# A user who sets their own password through an emailed link.
resource "infomaniak_cloud_user" "alice" {
  public_cloud_id = 1001
  project_id      = 2001
  description     = "Alice"
  invite_email    = "alice@example.com"
}

variable "ci_password" {
  type      = string
  sensitive = true
}

output "ci_username" {
  value = infomaniak_cloud_user.ci.username
}
