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

# A password that reaches the API but never the plan or the state (Terraform 1.11+).
# Change password_wo_version whenever the password changes.
resource "infomaniak_cloud_user" "deploy" {
  public_cloud_id     = 1001
  project_id          = 2001
  description         = "Deploy bot"
  password_wo         = var.deploy_password
  password_wo_version = 1
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

variable "deploy_password" {
  type      = string
  sensitive = true
}

output "ci_username" {
  value = infomaniak_cloud_user.ci.username
}
