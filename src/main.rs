//! The `terraform-provider-infomaniak` plugin binary: Terraform or OpenTofu starts it.

use std::process::ExitCode;

use terraform_provider_infomaniak::InfomaniakProvider;

fn main() -> ExitCode {
    tfplugin::serve(
        InfomaniakProvider::default(),
        tfplugin::ServeOptions {
            provider_address: terraform_provider_infomaniak::PROVIDER_ADDRESS.to_string(),
            log_module: "provider.infomaniak".to_string(),
        },
    )
}
