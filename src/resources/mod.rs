//! One module per resource type; each translates Terraform values into API calls.

pub mod cloud_user;
