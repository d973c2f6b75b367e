terraform {
  required_providers {
    infomaniak = {
      source = "infomaniak/infomaniak"
    }
  }
}

# The token can also come from the INFOMANIAK_TOKEN environment variable,
# and the host from INFOMANIAK_HOST (for example a local emulator).
provider "infomaniak" {
  token = var.infomaniak_token
}

# Leave it unset to use INFOMANIAK_TOKEN instead.
variable "infomaniak_token" {
  type      = string
  sensitive = true
  default   = null
}
